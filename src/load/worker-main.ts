/** The entry of a load worker thread: a WorkerRun (or, for --scenario, a ScenarioWorkerRun) driven by the coordinator's messages. */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-messages.js';
import { WorkerRun } from './worker-run.js';

const port = parentPort;
if (!port) throw new Error('worker-main.js runs as a worker thread of a load run');
const setup = workerData as WorkerSetup;
const post = (message: FromWorker) => {
  port.postMessage(message);
  // The report is out: nothing keeps the thread alive once the port is closed.
  if (message.type === 'done') port.close();
};
// The scenario runner (YAML, matchers, steps) is loaded only by a --scenario run.
const run = setup.options.scenario ? new (await import('./scenario-run.js')).ScenarioWorkerRun(setup, post) : new WorkerRun(setup, post);
port.on('message', (message: ToWorker) => {
  if (message.type === 'start') run.start(message.startedAt);
  else run.stop();
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
