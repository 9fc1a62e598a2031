/**
 * Closed-loop echo load on raw sockets: N connections each keep K messages in flight; every
 * echo that comes back sends one more. Frames are built and masked once; echoes are found by
 * counting bytes (each echo has a known size), so the generator does next to no work per message.
 */
import { percentileOfSorted } from '../lib/stats.js';
import { binaryPayload, textPayload } from './payloads.js';
import { clientFrame, FrameSkipper, openMany, serverFrameSize, upgradeRequest, type Upgraded } from './wire.js';
import { measureWindow, type WindowResult } from './window.js';

export interface EchoJob {
  mode: 'echo';
  port: number;
  connections: number;
  inFlight: number;
  size: number;
  binary: boolean;
  deflate: boolean;
  warmupMs: number;
  durationMs: number;
}

export interface EchoResult extends WindowResult {
  messages: number;
  /** Payload bytes echoed (each way). */
  bytes: number;
}

/** What both echo loads open: the connections, and the frame each keeps `inFlight` of. */
async function openEchoLoad(job: Omit<EchoJob, 'mode' | 'warmupMs' | 'durationMs'>): Promise<{ frame: Buffer; batch: Buffer; peers: Upgraded[] }> {
  const payload = job.binary ? binaryPayload(job.size) : textPayload(job.size);
  const frame = clientFrame(payload, job.binary, job.deflate);
  const batch = Buffer.concat(Array.from({ length: job.inFlight }, () => frame));
  const peers = await openMany(job.port, upgradeRequest(job.port, job.deflate), job.connections, 50);
  if (job.deflate) assertDeflateNegotiated(peers);
  return { frame, batch, peers };
}

/**
 * Counts the echoes in what one connection reads. Uncompressed echoes have a known size, so
 * counting bytes is enough; compressed ones vary, so their frames are skipped one by one.
 */
function echoCounter(deflate: boolean, size: number): (chunk: Buffer) => number {
  if (deflate) {
    const skipper = new FrameSkipper();
    return (chunk) => skipper.feed(chunk);
  }
  const echoSize = serverFrameSize(size);
  let pending = 0;
  return (chunk) => {
    pending += chunk.length;
    const echoes = Math.floor(pending / echoSize);
    pending -= echoes * echoSize;
    return echoes;
  };
}

export async function runEcho(job: EchoJob): Promise<EchoResult> {
  const { frame, batch, peers } = await openEchoLoad(job);
  let completed = 0;
  let running = true;
  for (const { socket, onBytes } of peers) {
    const countEchoes = echoCounter(job.deflate, job.size);
    onBytes((chunk) => {
      const echoes = countEchoes(chunk);
      if (echoes === 0) return;
      completed += echoes;
      if (running) socket.write(echoes === job.inFlight ? batch : batch.subarray(0, echoes * frame.length));
    });
    socket.on('error', () => {});
    socket.write(batch);
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
  for (const { socket } of peers) socket.destroy();
  const messages = end - start;
  return { ...window, messages, bytes: messages * job.size };
}

export interface EchoCountJob extends Omit<EchoJob, 'mode' | 'warmupMs' | 'durationMs'> {
  mode: 'echo-count';
  /** Echoes before the count starts (JIT, buffers and TCP windows warm). */
  warmup: number;
  /** Echoes counted once the warm-up is over. */
  count: number;
}

/**
 * Like `runEcho`, but for a fixed number of echoes instead of a fixed time: the harness reads the
 * server's CPU time at the start and end of the count (`window-start`, `window-end`), so what is
 * compared is the CPU each echo costs, which moves far less than throughput on a shared machine.
 */
export async function runEchoCount(job: EchoCountJob): Promise<EchoResult> {
  const { frame, batch, peers } = await openEchoLoad(job);
  const total = job.warmup + job.count;
  let completed = 0;
  let sent = 0;
  let cpu0 = process.cpuUsage();
  let t0 = 0;
  const done = new Promise<void>((resolve) => {
    for (const { socket, onBytes } of peers) {
      const countEchoes = echoCounter(job.deflate, job.size);
      const send = (n: number): void => {
        const more = Math.min(n, total - sent);
        if (more <= 0) return;
        sent += more;
        socket.write(more === job.inFlight ? batch : batch.subarray(0, more * frame.length));
      };
      onBytes((chunk) => {
        const echoes = countEchoes(chunk);
        if (echoes === 0) return;
        const before = completed;
        completed += echoes;
        if (before < job.warmup && completed >= job.warmup) {
          process.send?.({ type: 'window-start' });
          cpu0 = process.cpuUsage();
          t0 = performance.now();
        }
        if (completed >= total) resolve();
        else send(echoes);
      });
      socket.on('error', () => {});
      send(job.inFlight);
    }
  });
  await done;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  process.send?.({ type: 'window-end' });
  for (const { socket } of peers) socket.destroy();
  const messages = completed - job.warmup;
  return { seconds, clientCpu: (cpu.user + cpu.system) / 1e6 / seconds, messages, bytes: messages * job.size };
}

export function assertDeflateNegotiated(peers: readonly Upgraded[]): void {
  const head = peers[0]?.head ?? '';
  if (!/sec-websocket-extensions:\s*permessage-deflate/i.test(head)) throw new Error('the server did not accept permessage-deflate');
}

export interface LatencyJob {
  mode: 'latency';
  port: number;
  size: number;
  warmupMs: number;
  durationMs: number;
}

export interface LatencyResult extends WindowResult {
  samples: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** One connection, one message in flight: each round trip is timed with performance.now(). */
export async function runLatency(job: LatencyJob): Promise<LatencyResult> {
  const frame = clientFrame(binaryPayload(job.size), true, false);
  const echoSize = serverFrameSize(job.size);
  const [peer] = await openMany(job.port, upgradeRequest(job.port, false), 1, 1);
  const { socket, onBytes } = peer!;
  // Far more room than a run fills (a round trip takes well over 5 µs); kept, then sorted once.
  const samples = new Float64Array(Math.ceil(job.durationMs * 200));
  let count = 0;
  let recording = false;
  let pending = 0;
  let sentAt = 0;
  onBytes((chunk) => {
    pending += chunk.length;
    if (pending < echoSize) return;
    pending -= echoSize;
    const now = performance.now();
    if (recording && count < samples.length) samples[count++] = now - sentAt;
    sentAt = performance.now();
    socket.write(frame);
  });
  socket.on('error', () => {});
  sentAt = performance.now();
  socket.write(frame);
  const window = await measureWindow(
    job.warmupMs,
    job.durationMs,
    () => (recording = true),
    () => (recording = false),
  );
  socket.destroy();
  const sorted = samples.subarray(0, count).sort();
  return {
    ...window,
    samples: count,
    p50: percentileOfSorted(sorted, 50),
    p99: percentileOfSorted(sorted, 99),
    p999: percentileOfSorted(sorted, 99.9),
    max: sorted[count - 1] ?? Number.NaN,
  };
}
