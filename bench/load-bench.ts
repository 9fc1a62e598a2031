/**
 * The load tester's benchmarks (issue 14), run by `npm run bench` or alone:
 *
 *   node dist/bench/load-bench.js [--quick] [--skip-artillery] [--skip-rates] [--skip-scale]
 *
 * 1. Messages per CPU-second of the load generator: the bench's raw-socket generator, `wscope
 *    load --match echo` and Artillery's ws engine against one lean echo server. Every generator
 *    is measured the same way from outside: the server counts the echoes, /proc gives the
 *    generator's CPU time (all its threads and child processes), over the same window.
 * 2. Scale: as many open connections from one `wscope load` process as the machine allows (the
 *    issue asks 50 000), its RSS per connection, and the reply latency it still measures.
 */
import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { median, formatBytes, formatCount, formatRatio } from './lib/stats.js';
import { processTree, treeCpuSeconds } from './load-procfs.js';
import { LeanEchoServer } from './load-server.js';
import { startArtillery, startRaw, startWscope, type GeneratorProcess, type LoadShape } from './load-generators.js';
import { placement, type Placement } from './load-pinning.js';
import { artillery, type Tool } from './tools.js';
import { scaleRun, type ScaleResult } from './load-scale.js';

export interface LoadCheck {
  met: boolean;
  target: string;
  detail: string;
}

export interface LoadBenchResult {
  /** The section of docs/benchmarks.md, Markdown. */
  markdown: string;
  checks: LoadCheck[];
}

interface Settings {
  rounds: number;
  warmupMs: number;
  windowMs: number;
}

type GeneratorName = 'raw' | 'wscope' | 'artillery';

interface Measure {
  messagesPerSecond: number;
  /** The generator's CPU as a share of one core over the window. */
  cpuShare: number;
  perCpuSecond: number;
  /** The server's CPU share: near 1 would mean the server, not the generator, was the limit. */
  serverCpu: number;
}

/** Kill a generator and everything it started (Artillery forks workers). */
function killTree(generator: GeneratorProcess): void {
  const pid = generator.child.pid;
  if (pid === undefined || generator.child.exitCode !== null) return;
  for (const member of processTree(pid).reverse()) {
    try {
      process.kill(member, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

async function waitFor(what: string, generator: GeneratorProcess | undefined, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await ready())) {
    if (generator && generator.child.exitCode !== null)
      throw new Error(`the generator exited (${generator.child.exitCode}) before ${what}: ${generator.errors()}`);
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}${generator ? `: ${generator.errors()}` : ''}`);
    await sleep(100);
  }
}

/** One generator against the server: wait until all its connections echo, warm up, measure one window. */
async function measure(server: LeanEchoServer, shape: LoadShape, start: () => GeneratorProcess, settings: Settings): Promise<Measure> {
  const generator = start();
  try {
    let last = (await server.stats()).echoed;
    // Artillery takes up to half a minute to start on a loaded machine.
    await waitFor(`${shape.connections} connections echoing`, generator, 120_000, async () => {
      const stats = await server.stats();
      const growing = stats.echoed > last;
      last = stats.echoed;
      return growing && stats.open >= shape.connections;
    });
    await sleep(settings.warmupMs);
    const pid = generator.child.pid!;
    const a = await server.stats();
    const cpuA = treeCpuSeconds(pid);
    await sleep(settings.windowMs);
    const b = await server.stats();
    const cpuB = treeCpuSeconds(pid);
    const seconds = (b.atMs - a.atMs) / 1000;
    const messages = b.echoed - a.echoed;
    const cpu = cpuB - cpuA;
    return {
      messagesPerSecond: messages / seconds,
      cpuShare: cpu / seconds,
      perCpuSecond: messages / cpu,
      serverCpu: (b.cpu - a.cpu) / 1e6 / seconds,
    };
  } finally {
    killTree(generator);
    await waitFor('the connections to close', undefined, 15_000, async () => (await server.stats()).open === 0);
  }
}

interface Scenario {
  name: string;
  shape: Omit<LoadShape, 'port' | 'seconds'>;
  generators: GeneratorName[];
}

const SIZE = 32;
const SCENARIOS: Scenario[] = [
  { name: `echo ${SIZE} B, 100 conns × 8 in flight`, shape: { connections: 100, inFlight: 8, size: SIZE }, generators: ['raw', 'wscope'] },
  { name: `echo ${SIZE} B, 100 conns × 1 in flight`, shape: { connections: 100, inFlight: 1, size: SIZE }, generators: ['raw', 'wscope', 'artillery'] },
];

interface ScenarioResult {
  scenario: Scenario;
  results: Partial<Record<GeneratorName, Measure>>;
}

function medianMeasure(list: readonly Measure[]): Measure {
  return {
    messagesPerSecond: median(list.map((m) => m.messagesPerSecond)),
    cpuShare: median(list.map((m) => m.cpuShare)),
    perCpuSecond: median(list.map((m) => m.perCpuSecond)),
    serverCpu: median(list.map((m) => m.serverCpu)),
  };
}

async function runScenario(
  server: LeanEchoServer,
  scenario: Scenario,
  tool: Tool | undefined,
  settings: Settings,
  cpus: string | undefined,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const seconds = Math.ceil((settings.warmupMs + settings.windowMs) / 1000) + 30;
  const shape: LoadShape = { ...scenario.shape, port: server.port, seconds, ...(cpus !== undefined && { cpus }) };
  const starters: Record<GeneratorName, (() => GeneratorProcess) | undefined> = {
    raw: () => startRaw(shape),
    // One thread, as the raw generator: the machine has 2 cores and the server needs one.
    wscope: () => startWscope(shape, ['--workers', '1']),
    artillery: tool ? () => startArtillery(tool, shape) : undefined,
  };
  const names = scenario.generators.filter((name) => starters[name]);
  const samples = new Map<GeneratorName, Measure[]>(names.map((name) => [name, []]));
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      try {
        const result = await measure(server, shape, starters[name]!, settings);
        samples.get(name)!.push(result);
        log(
          `  ${scenario.name}, ${name}: ${formatCount(result.messagesPerSecond)} msgs/s at ${Math.round(result.cpuShare * 100)}% CPU = ${formatCount(result.perCpuSecond)} msgs per CPU-second (server ${Math.round(result.serverCpu * 100)}%)`,
        );
      } catch (error) {
        log(`  ${scenario.name}, ${name}: failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  const results: ScenarioResult['results'] = {};
  for (const [name, list] of samples) if (list.length > 0) results[name] = medianMeasure(list);
  return { scenario, results };
}

function ratio(a: Measure | undefined, b: Measure | undefined): number {
  return a && b ? a.perCpuSecond / b.perCpuSecond : Number.NaN;
}

function rateTable(results: readonly ScenarioResult[]): string {
  const lines = [
    '| scenario | generator | msgs/s | generator CPU | msgs per CPU-second ↑ | wscope / this, per CPU-second | server CPU |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { scenario, results: by } of results) {
    for (const name of scenario.generators) {
      const m = by[name];
      const label = name === 'raw' ? 'raw sockets (bench)' : name === 'wscope' ? '`wscope load --match echo`' : "Artillery's ws engine";
      if (!m) {
        lines.push(`| ${scenario.name} | ${label} | – | – | – | – | – |`);
        continue;
      }
      const versus = name === 'wscope' ? '' : formatRatio(ratio(by.wscope, m));
      lines.push(
        `| ${scenario.name} | ${label} | ${formatCount(m.messagesPerSecond)} | ${Math.round(m.cpuShare * 100)}% | ${formatCount(m.perCpuSecond)} | ${versus} | ${Math.round(m.serverCpu * 100)}% |`,
      );
    }
  }
  return lines.join('\n');
}

function checks(results: readonly ScenarioResult[], scale: ScaleResult | { failed: string } | undefined, artilleryNote: string | undefined): LoadCheck[] {
  const out: LoadCheck[] = [];
  const rawRatios = results.map((r) => ({ name: r.scenario.name, value: ratio(r.results.wscope, r.results.raw) })).filter((r) => Number.isFinite(r.value));
  if (rawRatios.length > 0) {
    const lowest = rawRatios.reduce((a, b) => (b.value < a.value ? b : a));
    out.push({
      met: lowest.value >= 0.8,
      target: 'wscope load ≥ 0.8x the raw-socket generator per CPU-second',
      detail: rawRatios.map((r) => `${formatRatio(r.value)} (${r.name})`).join(', '),
    });
  }
  const artilleryRatios = results
    .map((r) => ({ name: r.scenario.name, value: ratio(r.results.wscope, r.results.artillery) }))
    .filter((r) => Number.isFinite(r.value));
  if (artilleryRatios.length > 0) {
    const lowest = artilleryRatios.reduce((a, b) => (b.value < a.value ? b : a));
    out.push({
      met: lowest.value >= 3,
      target: "wscope load ≥ 3x Artillery's ws engine per CPU-second",
      detail: artilleryRatios.map((r) => `${formatRatio(r.value)} (${r.name})`).join(', '),
    });
  } else {
    out.push({ met: false, target: "wscope load ≥ 3x Artillery's ws engine per CPU-second", detail: artilleryNote ?? 'Artillery did not run' });
  }
  if (scale && 'failed' in scale) out.push({ met: false, target: '50 000 connections from one wscope load process, ≤ 12 KiB RSS each', detail: scale.failed });
  else if (scale) {
    out.push({
      met: scale.opened >= 50_000 && scale.rssPerConnection <= 12 * 1024,
      target: '50 000 connections from one wscope load process, ≤ 12 KiB RSS each',
      detail: `${scale.opened} open (${scale.limitNote}), ${formatBytes(scale.rssPerConnection)} RSS per connection, p99 ${scale.p99Ms.toFixed(2)} ms`,
    });
  }
  return out;
}

export async function runLoadBench(options: {
  quick: boolean;
  artillery: boolean;
  rates: boolean;
  scale: boolean;
  log: (line: string) => void;
}): Promise<LoadBenchResult> {
  const { log } = options;
  // wscope load's first seconds run slower while the JIT warms up (4k then 19k then 80k msgs/s here), so the warm-up is long.
  const settings: Settings = options.quick ? { rounds: 1, warmupMs: 2000, windowMs: 1500 } : { rounds: 5, warmupMs: 3000, windowMs: 3000 };
  let tool: Tool | undefined;
  let artilleryNote: string | undefined;
  if (options.artillery) {
    const found = await artillery(log);
    if ('missing' in found) {
      artilleryNote = `Artillery could not be installed, so it was left out: ${found.missing}`;
      log(artilleryNote);
    } else tool = found;
  } else artilleryNote = 'left out (--skip-artillery)';

  const results: ScenarioResult[] = [];
  const placed = placement();
  if (options.rates) {
    const server = await LeanEchoServer.start(undefined, placed?.server);
    try {
      for (const scenario of SCENARIOS) results.push(await runScenario(server, scenario, tool, settings, placed?.generators, log));
    } finally {
      await server.stop();
    }
  }

  let scale: ScaleResult | { failed: string } | undefined;
  if (options.scale) {
    try {
      scale = await scaleRun({ quick: options.quick, log });
    } catch (error) {
      scale = { failed: error instanceof Error ? error.message : String(error) };
      log(`scale: failed: ${scale.failed}`);
    }
  }
  const found = checks(results, scale, artilleryNote);
  return { markdown: markdown(results, scale, found, tool, artilleryNote, settings, placed), checks: found };
}

function markdown(
  results: readonly ScenarioResult[],
  scale: ScaleResult | { failed: string } | undefined,
  found: readonly LoadCheck[],
  tool: Tool | undefined,
  artilleryNote: string | undefined,
  settings: Settings,
  placed: Placement | undefined,
): string {
  const out = [
    '## Load tester: `wscope load` against a raw-socket generator and Artillery (issue 14)',
    '',
    'Alone: `node dist/bench/load-bench.js` (after `npx tsc -p .`); `npm run bench` runs it with the rest.',
    '',
    ...found.map((check) => `- ${check.met ? '**met**' : '**not met**'} — ${check.target}: ${check.detail}`),
    '',
    `Against \`bench/load-echo-server.ts\` (raw \`node:net\`: unmasks each frame into its reply, one write per read), ${settings.rounds} round(s) of a ${settings.windowMs} ms window after ${settings.warmupMs} ms of warm-up, generators alternating, medians.`,
    `The server counts the echoes; the generator's CPU time (every thread and child process) is read from /proc over the same window. ${placed ? `The server runs on CPU ${placed.server} and each generator on CPU ${placed.generators} (\`taskset -c\`, bench/load-pinning.ts).` : 'Nothing is pinned to a CPU (no taskset, or one CPU).'} ${tool ? `Artillery ${tool.version}, installed on demand into bench/.tools.` : (artilleryNote ?? '')}`,
    '',
    ...(results.length > 0 ? [rateTable(results), ''] : []),
    'The commands, per generator (PORT is the lean server, `node dist/bench/load-echo-server.js PORT`):',
    '',
    `- raw: \`node dist/bench/load/loadgen.js '{"mode":"echo","port":PORT,"connections":100,"inFlight":8,"size":${SIZE},"binary":false,"deflate":false,"warmupMs":0,"durationMs":30000}'\``,
    `- wscope: \`wscope load ws://127.0.0.1:PORT/ --connections 100 --in-flight 8 --size ${SIZE} --match echo --duration 30 --workers 1\``,
    `- Artillery: \`artillery run --quiet script.json\` with 100 virtual users arriving in the first second, each looping \`send: { payload: <${SIZE} × "x">, capture: { regexp: ".+", as: reply } }\` (send, wait for the reply, send again: one in flight per connection, all its ws engine can do)`,
    '',
  ];
  if (scale && 'failed' in scale) out.push(`**Scale:** failed: ${scale.failed}`, '');
  else if (scale) {
    out.push(
      `**Scale:** ${scale.opened} of ${scale.requested} connections open at once from one \`wscope load\` process (${scale.limitNote}),`,
      `from ${scale.localAddresses} source addresses at \`--connect-rate ${scale.connectRate}\`, all open ${scale.openSeconds.toFixed(1)} s after the start (${formatCount(scale.opened / scale.openSeconds)} a second), against a lean server process holding them all.`,
      `Generator RSS ${formatBytes(scale.rss.median)} with them open (median of ${scale.rss.count} readings over 10 s: ${formatBytes(scale.rss.min)}–${formatBytes(scale.rss.max)}), ${formatBytes(scale.baselineRss.median)} with ${scale.baselineConnections}:`,
      `**${formatBytes(scale.rssPerConnection)} per connection** ((RSS − baseline) / extra connections). Reply latency measured throughout (${formatCount(scale.messages)} matched echoes at ${scale.ratePerConnection}/s per connection): p50 ${scale.p50Ms.toFixed(2)} ms, p99 ${scale.p99Ms.toFixed(2)} ms, max ${scale.maxMs.toFixed(2)} ms.`,
      '',
      `- \`${scale.command}\` (ended with Ctrl-C once the RSS was read)`,
      '',
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const result = await runLoadBench({
    quick: args.includes('--quick'),
    artillery: !args.includes('--skip-artillery') && !args.includes('--skip-rates'),
    rates: !args.includes('--skip-rates'),
    scale: !args.includes('--skip-scale'),
    log: console.log,
  });
  if (process.send) process.send({ type: 'load-bench', result }, () => process.exit(0));
  else {
    console.log(`\n${result.markdown}`);
    process.exit(0);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

/** Run this section in a child process of `npm run bench` (bench/run.ts), which prints its checks and writes its Markdown. */
export function runLoadBenchChild(quick: boolean): Promise<LoadBenchResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), quick ? ['--quick'] : [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: LoadBenchResult | undefined;
    child.on('message', (message: { type?: string; result?: LoadBenchResult }) => {
      if (message.type === 'load-bench') result = message.result;
    });
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`the load-tester bench exited with code ${code}`))));
  });
}
