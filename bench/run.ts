/**
 * `npm run bench` — wscope against ws, side by side, on this machine.
 *
 *   npm run bench                      # the whole run, a few minutes
 *   npm run bench -- --quick           # about a minute: one round, short windows
 *   npm run bench -- --filter latency  # only scenarios whose name contains the text ("micro" for the micro-benchmarks)
 *
 * Prints the tables and, for a whole run (no --filter), writes docs/benchmarks.md. A
 * filtered run writes it only with --write-docs.
 */
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { allScenarios, negotiatesDeflate, SIDES, type Context, type Row, type Settings, type Side } from './scenarios.js';
import { benchPath, fileLimits, pinningNote, ServerProcess } from './lib/processes.js';
import { checkTargets, markdownTable, microTable, scenarioTable, textTable, type TargetCheck } from './lib/report.js';
import type { MicroRow } from './micro.js';
import { runTraceBenchChild } from './trace.js';
import { runLoadBenchChild, type LoadBenchResult } from './load-bench.js';
import { wsNativeStatus } from './lib/ws-internals.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filterAt = args.indexOf('--filter');
const filter = filterAt >= 0 ? args[filterAt + 1] : undefined;
const writeDocs = filter === undefined || args.includes('--write-docs');

const settings: Settings = quick
  ? { rounds: 1, warmupMs: 200, durationMs: 500, latencyMs: 1000, idleConnections: 10_000, clientIdleConnections: 2_000 }
  : { rounds: 3, warmupMs: 300, durationMs: 1000, latencyMs: 2000, idleConnections: 10_000, clientIdleConnections: 5_000 };

const log = (line: string): void => console.log(line);

function runMicroChild(): Promise<MicroRow[]> {
  return new Promise((resolve, reject) => {
    const child = fork(benchPath('micro.js'), [...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let rows: MicroRow[] | undefined;
    child.on('message', (message: { type?: string; rows?: MicroRow[] }) => {
      if (message.type === 'micro') rows = message.rows;
    });
    child.on('exit', (code) => (rows ? resolve(rows) : reject(new Error(`micro-benchmarks exited with code ${code}`))));
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const native = wsNativeStatus();
  if (!native.bufferutil) throw new Error('ws did not load bufferutil: run `npm install` first (it is a devDependency)');
  const limits = fileLimits();
  const fileLimit = Math.min(limits.hard, Math.max(limits.soft, settings.idleConnections + 1000));
  log(`wscope vs ws ${wsVersion()} (bufferutil loaded: yes; UTF-8 via ${native.utf8}) — ${machine()}, Node ${process.version}`);
  log(
    `${quick ? 'quick run' : 'full run'}: ${settings.rounds} round(s), ${settings.warmupMs} ms warm-up, ${settings.durationMs} ms windows${filter ? `, filter "${filter}"` : ''}; ${pinningNote()}\n`,
  );

  let microRows: MicroRow[] = [];
  if (!filter || 'micro'.includes(filter)) {
    log('micro-benchmarks (throughput, higher is better):');
    microRows = await runMicroChild();
    log('');
  }

  if (!filter || 'trace'.includes(filter)) await runTraceBenchChild(quick);

  let loadTool: LoadBenchResult | undefined;
  if (!filter || 'load-tool'.includes(filter)) {
    log('load tester (wscope load against a raw-socket generator and Artillery):');
    loadTool = await runLoadBenchChild(quick);
  }

  const servers = new Map<boolean, Promise<Record<Side, ServerProcess>>>();
  let deflate: Promise<boolean> | undefined;
  const context: Context = {
    settings,
    log,
    fileLimit,
    servers(withDeflate) {
      let started = servers.get(withDeflate);
      if (!started) {
        const flags = withDeflate ? ['--deflate'] : [];
        started = Promise.all(SIDES.map((side) => ServerProcess.start(side === 'ours' ? 'wscope-echo' : 'ws-echo', flags))).then(([ours, ws]) => ({
          ours: ours!,
          ws: ws!,
        }));
        servers.set(withDeflate, started);
      }
      return started;
    },
    deflateSupported() {
      deflate ??= this.servers(true).then((s) => negotiatesDeflate(s.ours.port));
      return deflate;
    },
  };

  const rows: Row[] = [];
  for (const scenario of allScenarios()) {
    if (filter && !scenario.name.includes(filter)) continue;
    const t0 = Date.now();
    const result = await scenario.run(context);
    rows.push(...result);
    for (const row of result) {
      log(`${row.name}: ours ${row.ours.toPrecision(4)} ws ${row.ws.toPrecision(4)} ${row.unit} (ours/ws ${(row.ours / row.ws).toFixed(2)})`);
    }
    if (result.length > 0) log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  for (const pending of servers.values()) for (const server of Object.values(await pending)) await server.stop();

  const seconds = (Date.now() - started) / 1000;
  const checks = checkTargets(rows);
  log('');
  if (rows.some((row) => row.section === 'server')) log(`${textTable(scenarioTable(rows, 'server'))}\n`);
  if (rows.some((row) => row.section === 'client')) log(`${textTable(scenarioTable(rows, 'client'))}\n`);
  if (microRows.length > 0) log(`${textTable(microTable(microRows))}\n`);
  for (const check of [...checks, ...(loadTool?.checks ?? [])]) log(`${check.met ? 'MET    ' : 'NOT MET'} ${check.target}: ${check.detail}`);
  log(`\ndone in ${seconds.toFixed(0)} s`);
  if (writeDocs) {
    writeFileSync(docsPath(), renderDocs(rows, microRows, checks, seconds, loadTool));
    log(`wrote ${docsPath()}`);
  }
}

function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
}

function wsVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('ws/package.json') as { version: string }).version;
}

function docsPath(): string {
  return fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
}

const NOTES_START = '<!-- notes: kept across runs -->';
const NOTES_END = '<!-- /notes -->';

/** The hand-written analysis between the notes markers survives each regeneration. */
function keptNotes(): string {
  try {
    const old = readFileSync(docsPath(), 'utf8');
    const start = old.indexOf(NOTES_START);
    const end = old.indexOf(NOTES_END);
    if (start >= 0 && end > start) return old.slice(start, end + NOTES_END.length);
  } catch {
    // No earlier file: start with empty notes.
  }
  return `${NOTES_START}\n${NOTES_END}`;
}

function renderDocs(rows: readonly Row[], microRows: readonly MicroRow[], checks: readonly TargetCheck[], seconds: number, loadTool?: LoadBenchResult): string {
  const command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  const native = wsNativeStatus();
  const out: string[] = [
    '# Benchmarks: wscope vs ws',
    '',
    'Generated by `bench/run.ts`; the text between the notes markers is written by hand and kept across runs.',
    '',
    `- **Command:** \`${command}\` (${seconds.toFixed(0)} s)`,
    `- **Date:** ${new Date().toISOString()}`,
    `- **Machine:** ${machine()}`,
    `- **Node:** ${process.version}`,
    `- **ws:** ${wsVersion()} with bufferutil loaded (${native.bufferutil ? 'verified' : 'NOT loaded'}); UTF-8 checked by ${native.utf8} (ws uses utf-8-validate only on runtimes without it)`,
    `- **Processes:** ${pinningNote()}.`,
    `- **Rounds:** ${settings.rounds} per scenario, ours and ws alternating which goes first; medians shown. Windows of ${settings.durationMs} ms after ${settings.warmupMs} ms of warm-up (latency: ${settings.latencyMs} ms).`,
    '',
    'ours/ws is the ratio of the two numbers; ✓ marks the rows where ours is the better one (↑ higher is better, ↓ lower is better).',
    "Server CPU is the echo server's CPU time over the measuring window as a share of one core; loadgen CPU is the load generator's (its highest over the runs).",
    '',
  ];
  if (checks.length > 0) {
    out.push('## Targets (issue 5)', '');
    for (const check of checks) out.push(`- ${check.met ? '**met**' : '**not met**'} — ${check.target}: ${check.detail}`);
    out.push('');
  }
  out.push(keptNotes(), '');
  if (rows.some((row) => row.section === 'server')) {
    out.push('## Server side: wscope-echo vs ws-echo, same raw-socket load generator', '', markdownTable(scenarioTable(rows, 'server')), '');
  }
  if (rows.some((row) => row.section === 'client')) {
    out.push("## Client side: our client vs ws's client, against the same lean reflector server", '', markdownTable(scenarioTable(rows, 'client')), '');
  }
  if (microRows.length > 0) {
    out.push("## Micro-benchmarks of the hot paths (one process, ours vs ws's own functions)", '', markdownTable(microTable(microRows)), '');
  }
  if (loadTool) out.push(loadTool.markdown);
  out.push(
    '## How it is measured',
    '',
    '- Servers and load generator are separate processes (`bench/servers/*.ts`, `bench/load/loadgen.ts`); each server can be started alone:',
    '  `node dist/bench/servers/wscope-echo.js 9001` or `node dist/bench/servers/ws-echo.js 9001` (add `--deflate` for permessage-deflate).',
    '- The load generator uses raw sockets: frames are built and masked once and resent as they are; echoes are found by counting bytes',
    '  (by skipping frame headers when compressed sizes vary). N connections keep K messages in flight each, closed loop, for a fixed window.',
    '- Latency: one connection, one 16 B message in flight, every round trip kept (`performance.now()`), exact percentiles from the sorted samples.',
    '- Handshakes: 32 at a time, each a new TCP connection that sends the Upgrade request, reads the 101 and drops the connection.',
    '- Idle memory: a fresh server, a full GC before and after opening the connections; (RSS after − RSS before) / connections, same for the V8 heap.',
    "- Client side: the library's own client drives the load against `bench/servers/reflector.ts`, a byte-counting server that answers every",
    "  frame with a pre-built one, so the client is the bottleneck; the CPU column is then the client process's share of one core.",
    '- Micro-benchmarks (`node dist/bench/micro.js`): each case alternates ours and ws for several timed samples; medians.',
    '- CPU per message (`node dist/bench/cost.js --size 1024 --text --deflate`, see its header): a fixed number of echoes per round against',
    "  each server, alternating, the server's CPU time over exactly those echoes; on a busy machine it moves far less than throughput.",
    '',
  );
  return out.join('\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
