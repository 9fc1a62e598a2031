/**
 * The client-side scenarios: the same load driven through a real client library, ours or ws's,
 * against the lean reflector server, so the client is what is measured. The process reports its
 * own CPU share (the client is saturated when it nears 1) and, for idle connections, its memory.
 */
import WsWebSocket from 'ws';
import { connect as wscopeConnect } from '../../src/index.js';
import { percentileOfSorted } from '../lib/stats.js';
import { binaryPayload, textPayload } from './payloads.js';
import { HOST } from './wire.js';
import { measureWindow, type WindowResult } from './window.js';

export interface ClientJob {
  mode: 'client';
  library: 'wscope' | 'ws';
  scenario: 'echo' | 'latency' | 'handshakes' | 'idle';
  port: number;
  connections: number;
  inFlight: number;
  size: number;
  binary: boolean;
  warmupMs: number;
  durationMs: number;
}

/** What both libraries' clients offer, reduced to what the scenarios use. */
interface Client {
  send(data: Buffer | string, binary: boolean): void;
  onMessage(listener: () => void): void;
  /** Drop the connection without a closing handshake. */
  terminate(): void;
}

async function open(library: ClientJob['library'], port: number): Promise<Client> {
  const url = `ws://${HOST}:${port}/`;
  if (library === 'ws') {
    const socket = new WsWebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => {});
    return {
      send: (data, binary) => socket.send(data, { binary }),
      onMessage: (listener) => socket.on('message', listener),
      terminate: () => socket.terminate(),
    };
  }
  const socket = await wscopeConnect(url, { perMessageDeflate: false });
  socket.on('error', () => {});
  return {
    send: (data, binary) => socket.send(data, { binary }),
    onMessage: (listener) => socket.on('message', listener),
    terminate: () => socket.terminate(),
  };
}

async function openMany(job: ClientJob, count: number): Promise<Client[]> {
  const out: Client[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      out.push(await open(job.library, job.port));
    }
  };
  await Promise.all(Array.from({ length: Math.min(100, count) }, worker));
  return out;
}

export type ClientResult = WindowResult & Record<string, number>;

export async function runClientJob(job: ClientJob): Promise<ClientResult> {
  // Users send text as strings: encoding it is part of the client's work.
  const message: Buffer | string = job.binary ? binaryPayload(job.size) : textPayload(job.size).toString();
  switch (job.scenario) {
    case 'echo': {
      const clients = await openMany(job, job.connections);
      let completed = 0;
      let running = true;
      for (const client of clients) {
        client.onMessage(() => {
          completed++;
          if (running) client.send(message, job.binary);
        });
        for (let i = 0; i < job.inFlight; i++) client.send(message, job.binary);
      }
      let start = 0;
      let end = 0;
      const window = await measureWindow(
        job.warmupMs,
        job.durationMs,
        () => (start = completed),
        () => (end = completed),
      );
      running = false;
      for (const client of clients) client.terminate();
      return { ...window, messages: end - start };
    }
    case 'latency': {
      const [client] = await openMany(job, 1);
      const samples = new Float64Array(Math.ceil(job.durationMs * 200));
      let count = 0;
      let recording = false;
      let sentAt = 0;
      client!.onMessage(() => {
        const now = performance.now();
        if (recording && count < samples.length) samples[count++] = now - sentAt;
        sentAt = performance.now();
        client!.send(message, job.binary);
      });
      sentAt = performance.now();
      client!.send(message, job.binary);
      const window = await measureWindow(
        job.warmupMs,
        job.durationMs,
        () => (recording = true),
        () => (recording = false),
      );
      client!.terminate();
      const sorted = samples.subarray(0, count).sort();
      return { ...window, samples: count, p50: percentileOfSorted(sorted, 50), p99: percentileOfSorted(sorted, 99), p999: percentileOfSorted(sorted, 99.9) };
    }
    case 'handshakes': {
      let done = 0;
      let errors = 0;
      let running = true;
      const workers = Array.from({ length: job.connections }, async () => {
        while (running) {
          try {
            const client = await open(job.library, job.port);
            done++;
            client.terminate();
          } catch {
            errors++;
          }
        }
      });
      let start = 0;
      let end = 0;
      const window = await measureWindow(
        job.warmupMs,
        job.durationMs,
        () => (start = done),
        () => (end = done),
      );
      running = false;
      await Promise.all(workers);
      return { ...window, handshakes: end - start, errors };
    }
    case 'idle': {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) throw new Error('the idle client scenario needs node --expose-gc');
      // Load and warm the library's code paths first, so the baseline holds them.
      for (const client of await openMany(job, 1)) client.terminate();
      await new Promise((resolve) => setTimeout(resolve, 200));
      gc();
      gc();
      const before = process.memoryUsage();
      const t0 = performance.now();
      const clients = await openMany(job, job.connections);
      const seconds = (performance.now() - t0) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 500));
      gc();
      gc();
      const after = process.memoryUsage();
      for (const client of clients) client.terminate();
      return {
        seconds,
        clientCpu: Number.NaN,
        opened: clients.length,
        rssPerConnection: (after.rss - before.rss) / clients.length,
        heapPerConnection: (after.heapUsed - before.heapUsed) / clients.length,
      };
    }
  }
}
