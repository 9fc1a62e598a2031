/**
 * `wscope mock` as its users run it: the file written to a temporary directory, the real CLI in
 * a process on a free port; and a `ws` client that keeps what arrives and when.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket as WsClient } from 'ws';
import { CliProcess, tempDir } from './helpers.js';

export interface RunningMock {
  cli: CliProcess;
  port: number;
  file: string;
  url(path: string): string;
  /** Everything the CLI printed so far, both streams (pipe mode: records on stdout, the log on stderr). */
  log(): string;
}

const dirs: Array<{ remove(): void }> = [];
const clients: WsClient[] = [];

export async function startMock(yaml: string, args: string[] = []): Promise<RunningMock> {
  const dir = tempDir();
  dirs.push(dir);
  const file = join(dir.path, 'api.wscope.yaml');
  writeFileSync(file, yaml);
  const cli = new CliProcess(['mock', file, '--port', '0', ...args]);
  // Loading the file compiles its schema: on a loaded machine that takes seconds.
  const match = await cli.waitFor('stderr', /on ws:\/\/127\.0\.0\.1:(\d+)/, 15_000);
  const port = Number(match[1]);
  return { cli, port, file, url: (path) => `ws://127.0.0.1:${port}${path}`, log: () => cli.stdout + cli.stderr };
}

export interface Arrival {
  text: string;
  binary: boolean;
  /** performance.now() when it arrived. */
  at: number;
}

export interface Client {
  ws: WsClient;
  messages: Arrival[];
  texts(): string[];
  closed: Promise<{ code: number; reason: string }>;
}

export async function connectClient(url: string, protocols?: string[]): Promise<Client> {
  const ws = new WsClient(url, protocols);
  clients.push(ws);
  const messages: Arrival[] = [];
  ws.on('message', (data: Buffer, binary: boolean) => messages.push({ text: binary ? data.toString('hex') : data.toString(), binary, at: performance.now() }));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, texts: () => messages.map((m) => m.text), closed };
}

/** End every client and remove every file of the test (call from afterEach, with killAll). */
export function cleanUpMocks(): void {
  for (const ws of clients.splice(0)) ws.terminate();
  for (const dir of dirs.splice(0)) dir.remove();
}

/** The status the server answered a handshake with: 101 when the connection opened (it is closed at once), else the refusal's. */
export function handshakeStatus(url: string, protocols?: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WsClient(url, protocols);
    ws.on('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.on('unexpected-response', (_request, response) => {
      response.destroy();
      resolve(response.statusCode ?? 0);
    });
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}
