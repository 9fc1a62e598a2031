import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Peer, PeerServer } from './peer.js';
import { ReportBook } from './peer.js';
import type { ClientEvent, ServerReport } from './script.js';

/** Debian's interpreter, which has python3-websockets; a `python3` on PATH may be another one. */
const PYTHON = '/usr/bin/python3';
const SCRIPTS = join(repoRoot(), 'test', 'interop', 'python');
const children = new Set<ChildProcess>();

/** Python `websockets` 10.4 (Debian python3-websockets), in child processes. */
export const pythonPeer: Peer = {
  name: 'Python websockets',
  abilities: {
    server: true,
    sendFragments: true,
    ping: true,
    requiresSubprotocol: false,
    cannotCloseWith: () => undefined,
  },
  setUp: async () => {
    const check = spawnSync(PYTHON, ['-c', 'import websockets; print(websockets.__version__)'], { encoding: 'utf8', timeout: 10_000 });
    if (check.status !== 0) {
      throw new Error(
        `Python websockets is missing: ${PYTHON} -c 'import websockets' failed (${check.error?.message ?? check.stderr.trim()}). Install the Debian package python3-websockets (.ci/run does).`,
      );
    }
  },
  tearDown: async () => {
    await Promise.all([...children].map(kill));
  },
  startServer,
  runClient: (url, script, timeoutMs) =>
    new Promise((resolve) => {
      const child = start('client.py', [url]);
      child.stdin!.write(`${JSON.stringify(script)}\n`);
      const events: ClientEvent[] = [];
      const stderr: Buffer[] = [];
      child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
      createInterface({ input: child.stdout! }).on('line', (line) => events.push(JSON.parse(line) as ClientEvent));
      const timer = setTimeout(() => {
        events.push({ event: 'error', message: `the Python client took over ${timeoutMs} ms` });
        void kill(child);
      }, timeoutMs);
      child.once('close', (code) => {
        clearTimeout(timer);
        if (code !== 0 && code !== null) events.push({ event: 'error', message: `client.py exited with ${code}: ${Buffer.concat(stderr).toString().trim()}` });
        resolve(events);
      });
    }),
};

async function startServer(): Promise<PeerServer> {
  const child = start('echo_server.py', []);
  const book = new ReportBook();
  const stderr: Buffer[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the Python server did not start listening within 10 s')), 10_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`echo_server.py exited with ${code}: ${Buffer.concat(stderr).toString().trim()}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { event: string; port?: number } & ServerReport;
      if (message.event === 'listening') {
        clearTimeout(timer);
        resolve(message.port!);
      } else {
        book.add({ id: message.id, path: message.path, protocol: message.protocol, closeCode: message.closeCode, closeReason: message.closeReason });
      }
    });
  });
  return { port, report: (id, timeoutMs) => book.wait(id, timeoutMs, 'Python websockets'), stop: () => kill(child) };
}

function start(script: string, args: string[]): ChildProcess {
  // stdin stays open as a lifeline: the scripts exit when it closes, even if this process crashes.
  const child = spawn(PYTHON, [join(SCRIPTS, script), ...args], { cwd: SCRIPTS, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.once('close', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if it lingers; resolves once the process is gone. */
function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The checkout's root (where package.json is), wherever this file was compiled to. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'wscope') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the wscope checkout above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
