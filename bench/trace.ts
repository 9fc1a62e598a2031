/**
 * What the trace costs: an in-process echo (our client and our server over loopback, 16 messages
 * in flight) with no subscriber on the trace channel, with one that only receives the events, and
 * with one that encodes each as a JSONL line (what --jsonl does before writing). Four events per
 * round trip are published (client out, server in, server out, client in).
 *
 *   node dist/bench/trace.js [--quick]
 *
 * Throughput is messages per CPU-second of this process (CPU, not wall time: the machine is
 * shared); the three modes alternate within each round and the medians are shown.
 */
import { fork } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import { connect, encodeTraceLine, TRACE_CHANNEL, WebSocketServer, type TraceEvent, type WebSocket } from '../src/index.js';
import { median } from './lib/stats.js';

interface TraceCase {
  name: string;
  size: number;
  binary: boolean;
  deflate: boolean;
}

const CASES: TraceCase[] = [
  { name: 'echo text 16 B', size: 16, binary: false, deflate: false },
  { name: 'echo binary 1 KiB', size: 1024, binary: true, deflate: false },
  { name: 'echo text 64 KiB', size: 64 * 1024, binary: false, deflate: false },
  { name: 'echo text 1 KiB, permessage-deflate', size: 1024, binary: false, deflate: true },
];

type Mode = 'none' | 'subscriber' | 'jsonl';
const MODES: Mode[] = ['none', 'subscriber', 'jsonl'];
const IN_FLIGHT = 16;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function payloadOf(size: number, binary: boolean): string | Buffer {
  if (binary) return Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + 0xbe) & 0xff));
  return 'wscope trace bench, '.repeat(Math.ceil(size / 20)).slice(0, size);
}

/** Subscribe as `mode` says; returns the unsubscribe. `sink` keeps the JSONL work from being optimised away. */
function observe(mode: Mode, sink: { bytes: number }): () => void {
  if (mode === 'none') return () => {};
  const listener =
    mode === 'jsonl'
      ? (event: unknown) => {
          sink.bytes += encodeTraceLine(event as TraceEvent).length;
        }
      : () => {
          sink.bytes++;
        };
  subscribe(TRACE_CHANNEL, listener);
  return () => unsubscribe(TRACE_CHANNEL, listener);
}

/** Messages echoed per CPU-second over one window. */
async function window(client: WebSocket, payload: string | Buffer, binary: boolean, ms: number): Promise<number> {
  let count = 0;
  let running = true;
  const onMessage = () => {
    count++;
    if (running) client.send(payload, { binary });
  };
  client.on('message', onMessage);
  const startCpu = process.cpuUsage();
  for (let i = 0; i < IN_FLIGHT; i++) client.send(payload, { binary });
  await sleep(ms);
  running = false;
  const used = process.cpuUsage(startCpu);
  const counted = count;
  // Let the messages in flight come back before the next window starts.
  while (count < counted + IN_FLIGHT && client.readyState === client.OPEN) await sleep(5);
  client.off('message', onMessage);
  return counted / ((used.user + used.system) / 1e6);
}

async function runCase(c: TraceCase, rounds: number, warmupMs: number, durationMs: number): Promise<Record<Mode, number>> {
  const perMessageDeflate = c.deflate ? { threshold: 0 } : false;
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
  server.on('connection', (socket: WebSocket) => socket.on('message', (data: Buffer, isBinary: boolean) => socket.send(data, { binary: isBinary })));
  await server.ready();
  const client = await connect(`ws://127.0.0.1:${server.address().port}/`, { perMessageDeflate });
  const payload = payloadOf(c.size, c.binary);
  const sink = { bytes: 0 };
  const samples: Record<Mode, number[]> = { none: [], subscriber: [], jsonl: [] };
  await window(client, payload, c.binary, warmupMs);
  for (let round = 0; round < rounds; round++) {
    // Each round starts with a different mode, so drift over time does not favour one.
    for (let i = 0; i < MODES.length; i++) {
      const mode = MODES[(i + round) % MODES.length]!;
      const stop = observe(mode, sink);
      samples[mode].push(await window(client, payload, c.binary, durationMs));
      stop();
    }
  }
  client.close();
  await server.close();
  if (sink.bytes === -1) console.log('');
  return { none: median(samples.none), subscriber: median(samples.subscriber), jsonl: median(samples.jsonl) };
}

export interface TraceRow extends Record<Mode, number> {
  name: string;
}

export async function runTraceBench(quick: boolean, log: (line: string) => void = console.log): Promise<TraceRow[]> {
  const rounds = quick ? 1 : 5;
  const rows: TraceRow[] = [];
  for (const c of CASES) {
    const result = await runCase(c, rounds, quick ? 200 : 300, quick ? 400 : 1000);
    rows.push({ name: c.name, ...result });
    const ratio = (mode: Mode) => `${(result[mode] / result.none).toFixed(2)}x`;
    log(
      `${c.name}: no subscriber ${Math.round(result.none)} msgs/CPU-s; subscriber ${Math.round(result.subscriber)} (${ratio('subscriber')}); JSONL ${Math.round(result.jsonl)} (${ratio('jsonl')})`,
    );
  }
  return rows;
}

/** For bench/run.ts: the trace benchmark in a process of its own, so it shares no heap or JIT state with the rest. */
export function runTraceBenchChild(quick: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), quick ? ['--quick'] : [], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`trace benchmark exited with code ${code}`))));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log('trace cost (in-process echo, messages per CPU-second, higher is better):');
  runTraceBench(process.argv.includes('--quick')).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
