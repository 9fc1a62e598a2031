/**
 * Running the real CLI as a person or a script would: `node bin/wscope.js` as a child process
 * (pipes), or under tmux (a pseudo-terminal whose screen we read). Every child is killed when
 * its test ends, and every wait has a deadline.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from '../../src/index.js';

/** The repository root (this file runs from dist/test/cli/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'wscope.js');
export const FIXTURES = join(ROOT, 'test', 'cli', 'fixtures');

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll until `check` returns a value (not undefined/false) or the deadline passes. */
export async function eventually<T>(check: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stdout as bytes, for binary output. */
  stdoutBytes: Buffer;
  stderr: string;
}

/** A running CLI process with its output collected as it comes. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  stdoutBytes: Buffer[] = [];
  readonly exited: Promise<CliResult>;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', WSCOPE_HISTORY: '', ...env },
      stdio: 'pipe',
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.stdoutBytes.push(chunk);
      this.stdout += chunk.toString('utf8');
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) =>
        resolve({ code, signal, stdout: this.stdout, stdoutBytes: Buffer.concat(this.stdoutBytes), stderr: this.stderr }),
      );
    });
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  write(text: string | Buffer): void {
    this.child.stdin.write(text);
  }

  end(text?: string | Buffer): void {
    if (text !== undefined) this.child.stdin.end(text);
    else this.child.stdin.end();
  }

  async waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 5000): Promise<RegExpMatchArray> {
    return eventually(() => this[stream].match(pattern) ?? undefined, `${stream} to match ${pattern} (got ${JSON.stringify(this[stream])})`, timeoutMs);
  }

  /** Wait for the exit, or kill it and fail when it does not come in time. */
  async result(timeoutMs = 5000): Promise<CliResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`wscope did not exit within ${timeoutMs} ms; stdout ${JSON.stringify(this.stdout)} stderr ${JSON.stringify(this.stderr)}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

const running = new Set<CliProcess>();

/** Kill every CLI process still running (call from after/afterEach). */
export function killAll(): void {
  for (const cli of running) cli.kill();
}

/** Run the CLI to completion with `input` on stdin. */
export function runCli(args: string[], input: string | Buffer | undefined, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const cli = new CliProcess(args, options.env);
  if (input !== undefined) cli.end(input);
  return cli.result(options.timeoutMs ?? 8000);
}

/** A port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A server that completes the opening handshake (RFC 6455 §4.2.2), sends `says` as one text frame
 * if given, and then reads and ignores everything, a Close frame included: a peer frozen after the
 * handshake, whose connection stays open while a test signals the CLI.
 */
export async function frozenServer(says?: string): Promise<{ url: string; sockets: Socket[]; close(): void }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.on('data', () => {});
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      if (says !== undefined) {
        const payload = Buffer.from(says, 'utf8');
        if (payload.length > 125) throw new Error('frozenServer: `says` must fit a 7-bit length (125 bytes)');
        // RFC 6455 §5.2: FIN + text opcode, unmasked (a server's frames are never masked), 7-bit length.
        socket.write(Buffer.concat([Buffer.from([0x81, payload.length]), payload]));
      }
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/`,
    sockets,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'wscope-cli-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Quote for sh. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

let tmuxCount = 0;

/**
 * The CLI in a pseudo-terminal: tmux runs it on a private server; `type` and `keys` are what a
 * person presses; `screen()` is what they see. The exit status is printed as `[exit N]`.
 */
export class TmuxCli {
  private readonly socket: string;
  private readonly name = 'wscope';

  constructor(args: string[], env: Record<string, string> = {}) {
    this.socket = `wscope-test-${process.pid}-${++tmuxCount}`;
    const envs = Object.entries({ NO_COLOR: '1', WSCOPE_HISTORY: '', ...env }).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const command = `cd ${shellQuote(ROOT)} && env ${envs.join(' ')} ${shellQuote(process.execPath)} bin/wscope.js ${args.map(shellQuote).join(' ')}; echo "[exit $?]"; sleep 600`;
    this.tmux('new-session', '-d', '-s', this.name, '-x', '200', '-y', '50', command);
    tmuxSessions.add(this);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', timeout: 5000 });
  }

  /** Literal text, as typed. */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** Named keys: Enter, Up, C-c, C-d. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  line(text: string): void {
    this.type(text);
    this.keys('Enter');
  }

  /** The screen as text; with `escapes`, colours included as ANSI sequences. */
  screen(escapes = false): string {
    return this.tmux('capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), '-t', this.name, '-S', '-200');
  }

  async waitFor(pattern: RegExp, timeoutMs = 5000): Promise<RegExpMatchArray> {
    let last = '';
    try {
      return await eventually(() => (last = this.screen()).match(pattern) ?? undefined, `the screen to match ${pattern}`, timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}; the screen was:\n${last}`);
    }
  }

  async exitCode(timeoutMs = 5000): Promise<number> {
    const match = await this.waitFor(/\[exit (\d+)\]/, timeoutMs);
    return Number(match[1]);
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone.
    }
    tmuxSessions.delete(this);
  }
}

const tmuxSessions = new Set<TmuxCli>();

export function killAllTmux(): void {
  for (const session of tmuxSessions) session.kill();
}

/**
 * A server on a free loopback port whose replies are asked for by name: `answer` gets the text of
 * every message a client sends, and the socket to reply on.
 */
export async function answeringServer(answer: (text: string, socket: WebSocket) => void): Promise<{ server: WebSocketServer; url: string }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await server.ready();
  server.on('connection', (socket: WebSocket) => socket.on('message', (data: Buffer) => answer(data.toString(), socket)));
  return { server, url: `ws://127.0.0.1:${server.address().port}/` };
}
