/**
 * CPU per echoed message, ours vs ws: the same fixed number of echoes against each server,
 * alternating which goes first, and the server's CPU time (user + system, all its threads, zlib's
 * pool included) over exactly those echoes. On a machine shared with other work this moves far
 * less than throughput over a time window, because it does not count the time a server waited
 * for a core.
 *
 *   node dist/bench/cost.js --size 1024 --text --deflate            # 100 conns × 8, 10 000 echoes, 5 rounds
 *   node dist/bench/cost.js --size 65536 --text --conns 10 --count 20000
 *
 * Options: --size B, --text (default binary), --deflate, --conns N (100), --in-flight K (8),
 * --count N (10 000), --warmup N (2 000), --rounds N (5).
 */
import type { EchoResult } from './load/echo.js';
import { runLoad, ServerProcess } from './lib/processes.js';
import { median, sizeLabel } from './lib/stats.js';
import { SIDES, type Side } from './scenarios.js';

const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} wants a positive integer, got ${args[at + 1]}`);
  return value;
}

const size = option('--size', 1024);
const binary = !args.includes('--text');
const deflate = args.includes('--deflate');
const connections = option('--conns', 100);
const inFlight = option('--in-flight', 8);
const count = option('--count', 10_000);
const warmup = option('--warmup', 2_000);
const rounds = option('--rounds', 5);

async function main(): Promise<void> {
  const flags = deflate ? ['--deflate'] : [];
  const servers: Record<Side, ServerProcess> = {
    ours: await ServerProcess.start('wscope-echo', flags),
    ws: await ServerProcess.start('ws-echo', flags),
  };
  const name = `echo ${binary ? 'binary' : 'text'} ${sizeLabel(size)}${deflate ? ' deflate' : ''}, ${connections} conns × ${inFlight}`;
  console.log(`${name}: server CPU per echoed message over ${count} echoes (after ${warmup}), ${rounds} rounds`);
  const perMessage: Record<Side, number[]> = { ours: [], ws: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
      for (const side of order) {
        const job = { mode: 'echo-count', port: servers[side].port, connections, inFlight, size, binary, deflate, warmup, count };
        const { result, serverCpu } = await runLoad<EchoResult>(job, servers[side]);
        const micros = (serverCpu * result.seconds * 1e6) / result.messages;
        perMessage[side].push(micros);
        console.log(`  round ${round + 1} ${side.padEnd(4)} ${micros.toFixed(1)} µs CPU per message (${(result.messages / result.seconds).toFixed(0)} msgs/s)`);
      }
    }
  } finally {
    for (const server of Object.values(servers)) await server.stop();
  }
  const ours = median(perMessage.ours);
  const ws = median(perMessage.ws);
  // ws's cost over ours: above 1 means each message costs us less CPU, like ours/ws in the throughput tables.
  console.log(`median: ours ${ours.toFixed(1)} µs, ws ${ws.toFixed(1)} µs per message; ours/ws per CPU-second ${(ws / ours).toFixed(2)}x`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
