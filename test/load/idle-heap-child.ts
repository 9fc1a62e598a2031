/**
 * Run by idle-heap.test.ts as `node --expose-gc dist/test/load/idle-heap-child.js --measure URL N [LOCAL]`:
 * one worker's run opens N connections to URL (from the source address LOCAL if given) that send
 * nothing, and prints as JSON what they hold: the V8 heap and the memory outside it (Buffers'
 * bytes) after a full collection, per connection, against the same before they were opened.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FromWorker } from '../../src/load/worker-messages.js';
import { WorkerRun } from '../../src/load/worker-run.js';
import { workerOptions } from './worker-options.js';

// `node --test dist/test/` runs every file under test/ too: only measure when asked to.
if (process.argv[2] !== '--measure') process.exit(0);

const [url, count, local] = process.argv.slice(3) as [string, string, string | undefined];
const connections = Number(count);
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with --expose-gc');

function settled(): NodeJS.MemoryUsage {
  collect!();
  collect!();
  return process.memoryUsage();
}

const options = workerOptions(url, connections, {
  durationMs: 120_000,
  // Open loop at one message per 10 000 s per connection: connection 1 sends one at once, the
  // others none within the run (each is due (n - 1) / N of the interval after it opens).
  ratePerConnection: 0.0001,
  rate: { perSecond: 0.0001, scope: 'connection' },
  message: { kind: 'generated', size: 32, binary: false },
  localAddresses: local ? [local] : [],
  client: { protocols: [], headers: [], rejectUnauthorized: true, compression: false, handshakeTimeoutMs: 30_000 },
});

let opened = 0;
let failed = 0;
// Before the run is made: its virtual users are made with it.
const before = settled();
const run = new WorkerRun({ options, index: 0, count: 1 }, (message: FromWorker) => {
  if (message.type !== 'second') return;
  opened += message.opened;
  failed += message.failed;
});
run.start(Date.now());
while (opened + failed < connections) await sleep(100);
const after = settled();
console.log(
  JSON.stringify({
    opened,
    failed,
    heapPerConnection: (after.heapUsed - before.heapUsed) / opened,
    externalPerConnection: (after.external - before.external) / opened,
  }),
);
run.stop();
await sleep(200);
process.exit(0);
