/**
 * The servers the fault-step tests break on purpose, each taking messages up to MAX_MESSAGE
 * bytes and telling what it saw of each connection (its close code; on /flood the longest one
 * of its sends was held back by a client that did not read, on /flood after the message "flood"): ws in this process, Python websockets
 * in a child (test/interop/python/fault_server.py).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket, { WebSocketServer } from 'ws';
import { eventually, ROOT } from '../cli/helpers.js';

export const MAX_MESSAGE = 65_536;

export interface ServerSaw {
  path: string;
  closeCode: number;
  /** /flood: the longest one of its sends waited for the client to read, in ms. */
  stalledMs?: number;
}

export interface FaultServer {
  url: string;
  saw: ServerSaw[];
  /** The next connection to end on `path`, in order. */
  next(path: string): Promise<ServerSaw>;
  stop(): Promise<void>;
}

function book(saw: ServerSaw[]): FaultServer['next'] {
  const taken = new Map<string, number>();
  return async (path) => {
    const index = taken.get(path) ?? 0;
    const found = await eventually(() => saw.filter((entry) => entry.path === path)[index], `the server's report of connection ${index + 1} on ${path}`);
    taken.set(path, index + 1);
    return found;
  };
}

/** ws's flood: 1000 messages of 64 KiB, but never more than 1 MiB buffered (ws's send() does not wait: bufferedAmount is its backpressure). */
async function wsFlood(socket: WebSocket): Promise<number> {
  const chunk = Buffer.alloc(65_536);
  let longest = 0;
  for (let sent = 0; sent < 1000 && socket.readyState === WebSocket.OPEN; sent++) {
    const started = performance.now();
    while (socket.bufferedAmount > 1024 * 1024 && socket.readyState === WebSocket.OPEN) await new Promise((resolve) => setTimeout(resolve, 10));
    longest = Math.max(longest, performance.now() - started);
    socket.send(chunk);
  }
  socket.send('done');
  return Math.round(longest);
}

export async function wsFaultServer(): Promise<FaultServer> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: MAX_MESSAGE });
  const saw: ServerSaw[] = [];
  server.on('connection', (socket, request) => {
    const path = new URL(request.url ?? '/', 'ws://x').pathname;
    let stalledMs: number | undefined;
    socket.on('error', () => {});
    socket.on('message', (data, binary) => {
      if (path === '/flood' && !binary && data.toString() === 'flood') void wsFlood(socket).then((ms) => (stalledMs = ms));
      else socket.send(data, { binary });
    });
    socket.on('close', (closeCode) => saw.push({ path, closeCode, ...(stalledMs !== undefined && { stalledMs }) }));
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    saw,
    next: book(saw),
    stop: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

export async function pythonFaultServer(): Promise<FaultServer> {
  // stdin stays open as a lifeline: the script exits when it closes, even if this process crashes.
  const child = spawn('/usr/bin/python3', [join(ROOT, 'test', 'interop', 'python', 'fault_server.py'), String(MAX_MESSAGE)], {
    cwd: join(ROOT, 'test', 'interop', 'python'),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const saw: ServerSaw[] = [];
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fault_server.py did not start listening within 10 s')), 10_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`fault_server.py exited with ${code}: ${Buffer.concat(stderr).toString().trim()}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const report = JSON.parse(line) as { event: string; port?: number } & ServerSaw;
      if (report.event === 'listening') {
        clearTimeout(timer);
        resolve(report.port!);
      } else saw.push({ path: report.path, closeCode: report.closeCode, ...(report.stalledMs !== undefined && { stalledMs: report.stalledMs }) });
    });
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    saw,
    next: book(saw),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
