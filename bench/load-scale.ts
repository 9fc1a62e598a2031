/**
 * Scale: many open connections from one `wscope load` process, each sending a message every 10 s
 * and timing its echo, against one lean server process that holds them all. Measures the
 * generator's RSS per connection: (RSS with N open − RSS with a few open) / the difference, each
 * RSS the median of readings over a window (load-procfs.ts `sampleRss`), and how fast the
 * connections opened.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadResult } from '../src/load/index.js';
import { fileLimits } from './lib/processes.js';
import { sampleRss, type RssSamples } from './load-procfs.js';
import { LeanEchoServer } from './load-server.js';
import { spawnWithLimit, track, wscopeLoadArgs, type GeneratorProcess, type LoadShape } from './load-generators.js';

export interface ScaleResult {
  requested: number;
  opened: number;
  /** Why `requested` is what it is: the machine's open-file limit. */
  limitNote: string;
  localAddresses: number;
  /** From the generator's start until all were open (or it stalled), s. */
  openSeconds: number;
  connectRate: number;
  rss: RssSamples;
  baselineRss: RssSamples;
  baselineConnections: number;
  rssPerConnection: number;
  ratePerConnection: number;
  messages: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  command: string;
}

const WANTED = 50_000;
/** File descriptors a process needs beyond its sockets (stdio, the event loop, libraries). */
const SPARE_FILES = 512;
/** One (source address, destination) pair has the ephemeral port range's ports, ~28 000 here. */
const CONNECTIONS_PER_ADDRESS = 20_000;
const CONNECT_RATE = 1_000;
/** How long the RSS is sampled once the connections are open (and the first messages' buffers settled). */
const RSS_WINDOW_MS = 10_000;
/**
 * Messages per second per connection. At 1/s, 19 000 connections are 19 000 echoes a second, and
 * on this shared machine (2 cores, load average 5-9 from others' work) the generator fell behind
 * past ~10 000 open: the messages it owed came due at once, their sends held the thread, and the
 * connects waited (10 569 of 19 000 opened, latency p50 4 s). One message per 10 s per
 * connection keeps the replies timed without measuring the machine's contention instead.
 */
const RATE_PER_CONNECTION = 0.1;
const SETTLE_MS = 3_000;

/** Can a child shell raise its open-file limit to `n`? (Not past the hard limit without CAP_SYS_RESOURCE.) */
function canRaise(n: number): boolean {
  try {
    execFileSync('bash', ['-c', `ulimit -n ${n}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function howMany(quick: boolean): { connections: number; fileLimit: number; note: string } {
  const wanted = quick ? 5_000 : WANTED;
  if (canRaise(wanted + SPARE_FILES))
    return { connections: wanted, fileLimit: wanted + SPARE_FILES, note: `open-file limit raised to ${wanted + SPARE_FILES}` };
  const { hard } = fileLimits();
  const connections = Math.floor((hard - SPARE_FILES) / 1000) * 1000;
  return {
    connections,
    fileLimit: hard,
    note: `${wanted} would need an open-file limit of ${wanted + SPARE_FILES}; this machine's hard limit is ${hard} and a process cannot raise it without CAP_SYS_RESOURCE, so ${connections}`,
  };
}

/** The reply latency (ms) and matched count from `wscope load --json` (src/load/result.ts, times in µs). */
export function readLoadLatency(file: string): { messages: number; p50Ms: number; p99Ms: number; maxMs: number } {
  const result = JSON.parse(readFileSync(file, 'utf8')) as LoadResult;
  return { messages: result.totals.messages.matched, p50Ms: result.latency.p50 / 1000, p99Ms: result.latency.p99 / 1000, maxMs: result.latency.max / 1000 };
}

async function untilOpen(server: LeanEchoServer, generator: GeneratorProcess, connections: number, log: (line: string) => void): Promise<number> {
  let open = 0;
  let lastGrowth = performance.now();
  let lastLog = 0;
  while (open < connections) {
    if (generator.child.exitCode !== null) throw new Error(`wscope load exited (${generator.child.exitCode}) with ${open} open: ${generator.errors()}`);
    const now = (await server.stats()).open;
    if (now > open) lastGrowth = performance.now();
    open = now;
    // Stalled: the run opens no more (a slow ramp on a loaded machine still grows within this).
    if (performance.now() - lastGrowth > 30_000) break;
    if (performance.now() - lastLog > 2_000) {
      log(`  scale: ${open} open`);
      lastLog = performance.now();
    }
    await sleep(200);
  }
  return open;
}

async function rssWith(
  server: LeanEchoServer,
  shape: LoadShape,
  extra: string[],
  fileLimit: number,
  log: (line: string) => void,
): Promise<{ opened: number; openSeconds: number; rss: RssSamples; generator: GeneratorProcess }> {
  const startedAt = performance.now();
  const generator = track(spawnWithLimit(wscopeLoadArgs(shape, extra), fileLimit));
  const opened = await untilOpen(server, generator, shape.connections, log);
  const openSeconds = (performance.now() - startedAt) / 1000;
  // Let the first messages' buffers and the JIT settle before reading the RSS.
  await sleep(SETTLE_MS);
  return { opened, openSeconds, rss: await sampleRss(generator.child.pid!, RSS_WINDOW_MS), generator };
}

function exited(generator: GeneratorProcess): Promise<number | null> {
  if (generator.child.exitCode !== null) return Promise.resolve(generator.child.exitCode);
  return new Promise((resolve) => generator.child.once('exit', (code) => resolve(code)));
}

export async function scaleRun(options: { quick: boolean; log: (line: string) => void }): Promise<ScaleResult> {
  const { connections, fileLimit, note } = howMany(options.quick);
  options.log(`scale: ${connections} connections (${note})`);
  const server = await LeanEchoServer.start(fileLimit);
  const json = join(tmpdir(), `wscope-bench-scale-${process.pid}.json`);
  try {
    const baselineConnections = 200;
    // Seconds the run goes on once all are open: the settling, the RSS window and a margin.
    const hold = Math.ceil((SETTLE_MS + RSS_WINDOW_MS) / 1000) + 4;
    const baseShape: LoadShape = { port: server.port, connections: baselineConnections, inFlight: 1, size: 32, seconds: hold + 30 };
    const rate = ['--rate', `${RATE_PER_CONNECTION}/s`, '--workers', '1'];
    const baseline = await rssWith(server, baseShape, rate, fileLimit, options.log);
    baseline.generator.child.kill('SIGKILL');
    await exited(baseline.generator);
    while ((await server.stats()).open > 0) await sleep(100);

    const addresses = Math.ceil(connections / CONNECTIONS_PER_ADDRESS) + 1;
    const local = Array.from({ length: addresses }, (_, i) => `127.0.0.${i + 2}`).join(',');
    // A cap three times the ramp, in case it runs slow on a loaded machine: the run is ended
    // (SIGINT, as Ctrl-C: replies awaited, connections closed, the result written) once the RSS is read.
    const seconds = Math.ceil(connections / CONNECT_RATE) * 3 + hold;
    const shape: LoadShape = { port: server.port, connections, inFlight: 1, size: 32, seconds };
    const extra = [...rate, '--connect-rate', String(CONNECT_RATE), '--local-address', local, '--json', json];
    const full = await rssWith(server, shape, extra, fileLimit, options.log);
    if (full.opened <= baselineConnections * 2) throw new Error(`only ${full.opened} of ${connections} connections opened: ${full.generator.errors()}`);
    full.generator.child.kill('SIGINT');
    const code = await exited(full.generator);
    if (code !== 0 && code !== 14) throw new Error(`wscope load exited with ${code}: ${full.generator.errors()}`);
    const latency = readLoadLatency(json);
    const command = `bash -c 'ulimit -n ${fileLimit} && wscope load ws://127.0.0.1:PORT/ ${wscopeLoadArgs(shape, extra).slice(4).join(' ').replace(json, 'scale.json')}'`;
    return {
      requested: connections,
      opened: full.opened,
      limitNote: note,
      localAddresses: addresses,
      openSeconds: full.openSeconds,
      connectRate: CONNECT_RATE,
      rss: full.rss,
      baselineRss: baseline.rss,
      baselineConnections,
      rssPerConnection: (full.rss.median - baseline.rss.median) / (full.opened - baselineConnections),
      ratePerConnection: RATE_PER_CONNECTION,
      ...latency,
      command,
    };
  } finally {
    rmSync(json, { force: true });
    await server.stop();
  }
}
