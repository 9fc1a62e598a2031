/**
 * The side-by-side scenarios. Each runs against our server and ws's (or, client side, our client
 * and ws's against the reflector), alternating which goes first, for several rounds, and keeps
 * the median of each side.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EchoResult, LatencyResult } from './load/echo.js';
import type { HandshakeResult } from './load/connections.js';
import type { ClientResult } from './load/client-side.js';
import { rawUpgrade, upgradeRequest } from './load/wire.js';
import { runLoad, ServerProcess } from './lib/processes.js';
import { median, sizeLabel } from './lib/stats.js';

export type Side = 'ours' | 'ws';
export const SIDES: readonly Side[] = ['ours', 'ws'];
const SERVER_SCRIPT: Record<Side, string> = { ours: 'wscope-echo', ws: 'ws-echo' };
const CLIENT_LIBRARY: Record<Side, 'wscope' | 'ws'> = { ours: 'wscope', ws: 'ws' };

export interface Row {
  section: 'server' | 'client';
  name: string;
  unit: string;
  better: 'higher' | 'lower';
  ours: number;
  ws: number;
  /** CPU share (1 = one core) of the side under test: the server, or the client process. */
  oursCpu: number;
  wsCpu: number;
  /** The load generator's highest CPU share over the runs (server section). */
  loadCpu: number;
  /** Which target this row is checked against, if any. */
  target?: 'throughput' | 'p99' | 'handshakes' | 'rss';
}

export interface Settings {
  rounds: number;
  warmupMs: number;
  durationMs: number;
  latencyMs: number;
  idleConnections: number;
  clientIdleConnections: number;
}

export interface Scenario {
  name: string;
  run(context: Context): Promise<Row[]>;
}

export interface Context {
  settings: Settings;
  log(line: string): void;
  /** Long-lived echo servers, started on first use. */
  servers(deflate: boolean): Promise<Record<Side, ServerProcess>>;
  deflateSupported(): Promise<boolean>;
  fileLimit: number;
}

interface Sample {
  value: number[];
  cpu: number;
  load: number;
}

/** Run `measure` for each side, alternating the order each round; medians of every value. */
async function alternate(rounds: number, measure: (side: Side) => Promise<Sample>): Promise<Record<Side, { values: number[]; cpu: number; load: number }>> {
  const samples: Record<Side, Sample[]> = { ours: [], ws: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const side of order) samples[side].push(await measure(side));
  }
  const reduce = (list: Sample[]) => ({
    values: list[0]!.value.map((_, i) => median(list.map((s) => s.value[i]!))),
    cpu: median(list.map((s) => s.cpu)),
    load: Math.max(...list.map((s) => s.load)),
  });
  return { ours: reduce(samples.ours), ws: reduce(samples.ws) };
}

function echoScenario(size: number, binary: boolean, connections: number, inFlight: number, deflate = false): Scenario {
  const large = size >= 64 * 1024;
  const name = `echo ${binary ? 'binary' : 'text'} ${sizeLabel(size)}${deflate ? ' deflate' : ''}, ${connections} conns × ${inFlight}`;
  return {
    name,
    async run(context) {
      if (deflate && !(await context.deflateSupported())) {
        context.log(`skipped ${name}: our server does not negotiate permessage-deflate yet`);
        return [];
      }
      const servers = await context.servers(deflate);
      const { settings } = context;
      const result = await alternate(settings.rounds, async (side) => {
        const job = {
          mode: 'echo',
          port: servers[side].port,
          connections,
          inFlight,
          size,
          binary,
          deflate,
          warmupMs: settings.warmupMs,
          durationMs: settings.durationMs,
        };
        const run = await runLoad<EchoResult>(job, servers[side]);
        const perSecond = run.result.messages / run.result.seconds;
        return { value: [large ? (perSecond * size) / (1024 * 1024) : perSecond], cpu: run.serverCpu, load: run.result.clientCpu };
      });
      return [row('server', name, large ? 'MiB/s each way' : 'msgs/s', 'higher', result, 0, deflate ? undefined : 'throughput')];
    },
  };
}

function row(
  section: Row['section'],
  name: string,
  unit: string,
  better: Row['better'],
  result: Awaited<ReturnType<typeof alternate>>,
  index: number,
  target?: Row['target'],
): Row {
  return {
    section,
    name,
    unit,
    better,
    ours: result.ours.values[index]!,
    ws: result.ws.values[index]!,
    oursCpu: result.ours.cpu,
    wsCpu: result.ws.cpu,
    loadCpu: Math.max(result.ours.load, result.ws.load),
    ...(target && { target }),
  };
}

const latencyScenario: Scenario = {
  name: 'latency 16 B, 1 conn, 1 in flight',
  async run(context) {
    const servers = await context.servers(false);
    const { settings } = context;
    const result = await alternate(settings.rounds, async (side) => {
      const job = { mode: 'latency', port: servers[side].port, size: 16, warmupMs: settings.warmupMs, durationMs: settings.latencyMs };
      servers[side].pin(true);
      try {
        const run = await runLoad<LatencyResult>(job, servers[side], { pinned: true });
        return { value: [run.result.p50 * 1000, run.result.p99 * 1000, run.result.p999 * 1000], cpu: run.serverCpu, load: run.result.clientCpu };
      } finally {
        servers[side].pin(false);
      }
    });
    return [
      row('server', `${this.name}: p50`, 'µs', 'lower', result, 0),
      row('server', `${this.name}: p99`, 'µs', 'lower', result, 1, 'p99'),
      row('server', `${this.name}: p99.9`, 'µs', 'lower', result, 2),
    ];
  },
};

const handshakeScenario: Scenario = {
  name: 'handshakes, 32 at a time',
  async run(context) {
    const servers = await context.servers(false);
    const { settings } = context;
    const result = await alternate(settings.rounds, async (side) => {
      const job = { mode: 'handshakes', port: servers[side].port, concurrency: 32, warmupMs: settings.warmupMs, durationMs: settings.durationMs };
      const run = await runLoad<HandshakeResult>(job, servers[side]);
      if (run.result.errors > 0) context.log(`  ${side}: ${run.result.errors} handshakes failed`);
      return { value: [run.result.handshakes / run.result.seconds], cpu: run.serverCpu, load: run.result.clientCpu };
    });
    return [row('server', this.name, 'handshakes/s', 'higher', result, 0, 'handshakes')];
  },
};

function idleScenario(deflate: boolean): Scenario {
  const name = `idle connections${deflate ? ' (deflate negotiated)' : ''}`;
  return {
    name,
    async run(context) {
      if (deflate && !(await context.deflateSupported())) {
        context.log(`skipped ${name}: our server does not negotiate permessage-deflate yet`);
        return [];
      }
      const wanted = context.settings.idleConnections;
      const count = Math.min(wanted, context.fileLimit - 200);
      if (count < wanted) context.log(`  idle connections capped at ${count} by the open-file limit (${context.fileLimit})`);
      const rounds = Math.min(2, context.settings.rounds);
      // A fresh server each time: RSS, once grown, is not given back, so a reused server would lie.
      const result = await alternate(rounds, async (side) => {
        const server = await ServerProcess.start(SERVER_SCRIPT[side], deflate ? ['--deflate'] : [], count + 500);
        try {
          await sleep(200);
          const before = await server.stats(true);
          let after = before;
          let opened = 0;
          await runLoad({ mode: 'idle', port: server.port, connections: count, deflate }, undefined, {
            fileLimit: count + 500,
            onIdleReady: async (info) => {
              opened = info.opened;
              await sleep(500);
              after = await server.stats(true);
              if (after.connections !== opened) throw new Error(`${side} server holds ${after.connections} connections, expected ${opened}`);
            },
          });
          return { value: [(after.rss - before.rss) / opened, (after.heapUsed - before.heapUsed) / opened], cpu: Number.NaN, load: Number.NaN };
        } finally {
          await server.stop();
        }
      });
      return [
        row('server', `${name}: RSS per connection (${count})`, 'bytes', 'lower', result, 0, deflate ? undefined : 'rss'),
        row('server', `${name}: heap per connection (${count})`, 'bytes', 'lower', result, 1),
      ];
    },
  };
}

/** Client side: the reflector answers, our client or ws's drives the load. */
function clientScenario(kind: 'echo' | 'latency' | 'handshakes' | 'idle', size: number, binary: boolean, connections: number, inFlight: number): Scenario {
  const what =
    kind === 'echo'
      ? `echo ${binary ? 'binary' : 'text'} ${sizeLabel(size)}, ${connections} conns × ${inFlight}`
      : kind === 'latency'
        ? 'latency 16 B, 1 conn'
        : kind === 'handshakes'
          ? `handshakes, ${connections} at a time`
          : 'idle connections';
  const name = `client ${what}`;
  return {
    name,
    async run(context) {
      const { settings } = context;
      const count = kind === 'idle' ? Math.min(settings.clientIdleConnections, context.fileLimit - 200) : connections;
      const reflector = await ServerProcess.start('reflector', ['--size', String(size), ...(binary ? [] : ['--text'])], count + 500);
      if (kind === 'latency') reflector.pin(true);
      try {
        const large = size >= 64 * 1024;
        const result = await alternate(kind === 'idle' ? Math.min(2, settings.rounds) : settings.rounds, async (side) => {
          const job = {
            mode: 'client',
            library: CLIENT_LIBRARY[side],
            scenario: kind,
            port: reflector.port,
            connections: count,
            inFlight,
            size,
            binary,
            warmupMs: settings.warmupMs,
            durationMs: kind === 'latency' ? settings.latencyMs : settings.durationMs,
          };
          const { result: r } = await runLoad<ClientResult>(job, undefined, { fileLimit: count + 500, exposeGc: kind === 'idle', pinned: kind === 'latency' });
          const cpu = r.clientCpu;
          switch (kind) {
            case 'echo': {
              const perSecond = r['messages']! / r.seconds;
              return { value: [large ? (perSecond * size) / (1024 * 1024) : perSecond], cpu, load: Number.NaN };
            }
            case 'latency':
              return { value: [r['p50']! * 1000, r['p99']! * 1000, r['p999']! * 1000], cpu, load: Number.NaN };
            case 'handshakes':
              return { value: [r['handshakes']! / r.seconds], cpu, load: Number.NaN };
            case 'idle':
              return { value: [r['rssPerConnection']!, r['heapPerConnection']!], cpu: Number.NaN, load: Number.NaN };
          }
        });
        switch (kind) {
          case 'echo':
            return [row('client', name, large ? 'MiB/s each way' : 'msgs/s', 'higher', result, 0)];
          case 'latency':
            return [
              row('client', `${name}: p50`, 'µs', 'lower', result, 0),
              row('client', `${name}: p99`, 'µs', 'lower', result, 1),
              row('client', `${name}: p99.9`, 'µs', 'lower', result, 2),
            ];
          case 'handshakes':
            return [row('client', name, 'handshakes/s', 'higher', result, 0)];
          case 'idle':
            return [
              row('client', `${name}: RSS per connection (${count})`, 'bytes', 'lower', result, 0),
              row('client', `${name}: heap per connection (${count})`, 'bytes', 'lower', result, 1),
            ];
        }
      } finally {
        await reflector.stop();
      }
    },
  };
}

export function allScenarios(): Scenario[] {
  const scenarios: Scenario[] = [];
  for (const binary of [true, false]) {
    for (const size of [16, 1024]) {
      scenarios.push(echoScenario(size, binary, 100, 1), echoScenario(size, binary, 100, 8));
    }
    scenarios.push(echoScenario(64 * 1024, binary, 10, 1), echoScenario(64 * 1024, binary, 10, 8));
    scenarios.push(echoScenario(1024 * 1024, binary, 4, 1), echoScenario(1024 * 1024, binary, 4, 4));
  }
  scenarios.push(latencyScenario, handshakeScenario, idleScenario(false));
  scenarios.push(echoScenario(1024, false, 100, 8, true), echoScenario(64 * 1024, false, 10, 8, true), idleScenario(true));
  scenarios.push(
    clientScenario('echo', 16, true, 100, 8),
    clientScenario('echo', 1024, false, 100, 8),
    clientScenario('echo', 64 * 1024, true, 10, 8),
    clientScenario('latency', 16, true, 1, 1),
    clientScenario('handshakes', 16, true, 32, 1),
    clientScenario('idle', 16, true, 0, 1),
  );
  return scenarios;
}

/** Is permessage-deflate negotiated by this server? */
export async function negotiatesDeflate(port: number): Promise<boolean> {
  const { socket, head } = await rawUpgrade(port, upgradeRequest(port, true));
  socket.destroy();
  return /sec-websocket-extensions:\s*permessage-deflate/i.test(head);
}
