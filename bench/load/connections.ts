/**
 * Connection-level load on raw sockets: opening handshakes per second (closed loop, C at a
 * time: connect, send the Upgrade request, read the 101, drop the connection), and many idle
 * connections held open while the harness reads the server's memory.
 */
import { connect } from 'node:net';
import { HOST, openMany, upgradeRequest } from './wire.js';
import { measureWindow, type WindowResult } from './window.js';

export interface HandshakeJob {
  mode: 'handshakes';
  port: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface HandshakeResult extends WindowResult {
  handshakes: number;
  errors: number;
}

export async function runHandshakes(job: HandshakeJob): Promise<HandshakeResult> {
  const request = upgradeRequest(job.port, false);
  let done = 0;
  let errors = 0;
  let running = true;
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const socket = connect({ port: job.port, host: HOST, noDelay: true });
      let head = '';
      socket.on('connect', () => socket.write(request));
      socket.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        if (head.startsWith('HTTP/1.1 101')) done++;
        else errors++;
        socket.destroy();
        resolve();
      });
      socket.on('error', () => {
        errors++;
        socket.destroy();
        resolve();
      });
      socket.on('close', () => resolve());
    });
  const workers = Array.from({ length: job.concurrency }, async () => {
    while (running) await once();
  });
  let start = 0;
  let end = 0;
  let errorsAtStart = 0;
  const window = await measureWindow(
    job.warmupMs,
    job.durationMs,
    () => {
      start = done;
      errorsAtStart = errors;
    },
    () => (end = done),
  );
  running = false;
  await Promise.all(workers);
  return { ...window, handshakes: end - start, errors: errors - errorsAtStart };
}

export interface IdleJob {
  mode: 'idle';
  port: number;
  connections: number;
  deflate: boolean;
}

/**
 * Open the connections, tell the harness (`idle-ready`), and hold them until it says `release`.
 * The connections never send a byte after their handshake.
 */
export async function runIdle(job: IdleJob): Promise<{ opened: number; seconds: number }> {
  const t0 = performance.now();
  const peers = await openMany(job.port, upgradeRequest(job.port, job.deflate), job.connections, 100);
  for (const { socket } of peers) socket.on('error', () => {});
  const seconds = (performance.now() - t0) / 1000;
  await new Promise<void>((resolve) => {
    const onMessage = (message: { type?: string }): void => {
      if (message.type !== 'release') return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send?.({ type: 'idle-ready', opened: peers.length, seconds });
    if (!process.send) setTimeout(resolve, 1000);
  });
  for (const { socket } of peers) socket.destroy();
  return { opened: peers.length, seconds };
}
