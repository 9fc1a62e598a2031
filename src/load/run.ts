/**
 * A load run: the connections split over worker threads (worker-main.ts), one start instant for
 * all, their seconds added as they come (for the live view), their totals and histograms added
 * at the end into one LoadResult.
 */
import { hostname } from 'node:os';
import { Worker } from 'node:worker_threads';
import { addConnections, addMessages, addRecords, addSamples, buildResult, settingsOf, WSCOPE_VERSION } from './assemble.js';
import { addEncoded } from './histogram.js';
import type { LoadOptions } from './options.js';
import type { LoadResult, SecondSample } from './result.js';
import { addScenarioTotals } from './scenario-totals.js';
import type { FromWorker, ToWorker, WorkerDone, WorkerSecond, WorkerSetup } from './worker-messages.js';

/** Cumulative counts up to the latest second, for a live view. */
export interface RunningTotals {
  opened: number;
  failed: number;
  sent: number;
  received: number;
  matched: number;
  timedOut: number;
  unsolicited: number;
  errors: number;
  closeCodes: Record<string, number>;
}

export interface LoadHooks {
  /** Each second of the run, in order, once every worker has counted it. */
  onSecond?(sample: SecondSample, totals: RunningTotals): void;
}

/** How long the workers get between 'start' and the first connection (so every one is listening). */
const START_DELAY_MS = 20;

export class LoadRun {
  readonly result: Promise<LoadResult>;
  private readonly workers: Worker[] = [];
  private readonly lastSecond: number[];
  private readonly done: Array<WorkerDone | undefined>;
  private readonly pending = new Map<number, SecondSample[]>();
  private readonly series: SecondSample[] = [];
  private readonly running: RunningTotals = { opened: 0, failed: 0, sent: 0, received: 0, matched: 0, timedOut: 0, unsolicited: 0, errors: 0, closeCodes: {} };
  private startedAt = 0;
  private stopped = false;
  private started = false;

  constructor(
    private readonly options: LoadOptions,
    private readonly hooks: LoadHooks = {},
  ) {
    const count = Math.max(1, Math.min(options.workers, options.connections));
    this.lastSecond = new Array<number>(count).fill(-1);
    this.done = new Array<WorkerDone | undefined>(count);
    this.result = new Promise<LoadResult>((resolve, reject) => {
      let ready = 0;
      let finished = 0;
      const fail = (error: Error) => {
        for (const worker of this.workers) void worker.terminate();
        reject(error);
      };
      for (let index = 0; index < count; index++) {
        const setup: WorkerSetup = { options, index, count };
        const worker = new Worker(new URL('./worker-main.js', import.meta.url), { workerData: setup });
        this.workers.push(worker);
        worker.on('message', (message: FromWorker) => {
          switch (message.type) {
            case 'ready':
              ready++;
              if (ready === count) this.start();
              break;
            case 'second':
              this.addSecond(index, message);
              break;
            case 'done':
              this.done[index] = message;
              finished++;
              this.completeSeconds();
              if (finished === count) resolve(this.assemble());
              break;
          }
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (this.done[index] === undefined) fail(new Error(`load worker ${index + 1} exited (code ${code}) before reporting`));
        });
      }
    });
  }

  /** Stop sending now (Ctrl-C): the replies in flight are awaited, the connections closed, the result made. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.started) this.postAll({ type: 'stop' });
  }

  private start(): void {
    this.started = true;
    this.startedAt = Date.now() + START_DELAY_MS;
    this.postAll({ type: 'start', startedAt: this.startedAt });
    if (this.stopped) this.postAll({ type: 'stop' });
  }

  private postAll(message: ToWorker): void {
    for (const worker of this.workers) worker.postMessage(message);
  }

  private addSecond(worker: number, second: WorkerSecond): void {
    this.lastSecond[worker] = second.second;
    const sample: SecondSample = {
      second: second.second,
      connectionsOpen: second.open,
      connectionsOpened: second.opened,
      connectionsFailed: second.failed,
      connectionsClosed: second.closed,
      sent: second.sent,
      received: second.received,
      matched: second.matched,
      timedOut: second.timedOut,
      unsolicited: second.unsolicited,
      errors: second.errors,
      latencyP50: null,
      latencyP99: null,
      latencyMax: null,
      closeCodes: second.closeCodes,
      histogram: second.histogram,
    };
    const samples = this.pending.get(second.second);
    if (samples) samples.push(sample);
    else this.pending.set(second.second, [sample]);
    this.completeSeconds();
  }

  /** Seconds every worker has counted (or finished before), in order, added and handed on. */
  private completeSeconds(): void {
    for (;;) {
      const next = this.series.length;
      const complete = this.lastSecond.every((last, worker) => last >= next || this.done[worker] !== undefined);
      const anyLater = this.pending.has(next) || [...this.pending.keys()].some((second) => second > next);
      if (!complete || !anyLater) return;
      const sample = addSamples(next, this.pending.get(next) ?? []);
      this.pending.delete(next);
      this.series.push(sample);
      this.count(sample);
      this.hooks.onSecond?.(sample, this.running);
    }
  }

  private count(sample: SecondSample): void {
    const running = this.running;
    running.opened += sample.connectionsOpened;
    running.failed += sample.connectionsFailed;
    running.sent += sample.sent;
    running.received += sample.received;
    running.matched += sample.matched;
    running.timedOut += sample.timedOut;
    running.unsolicited += sample.unsolicited;
    running.errors += sample.errors;
    running.closeCodes = addRecords([running.closeCodes, sample.closeCodes]);
  }

  private assemble(): LoadResult {
    const done = this.done as WorkerDone[];
    // Closed loop: the workers record each reply once, as latency, which is its service time too.
    const closedLoop = this.options.ratePerConnection === 0;
    const serviceTime = closedLoop
      ? addEncoded(this.series.flatMap((sample) => (sample.histogram === null ? [] : [sample.histogram])))
      : addEncoded(done.map((worker) => worker.serviceTime));
    const endedAt = Math.max(...done.map((worker) => worker.endedAt));
    const measuredUntil = Math.max(...done.map((worker) => worker.measuredUntil));
    return buildResult({
      wscope: WSCOPE_VERSION,
      settings: settingsOf(this.options),
      sources: [{ host: hostname(), workers: this.workers.length, startedAt: this.startedAt, endedAt }],
      startedAt: this.startedAt,
      endedAt,
      measuredMs: Math.max(0, measuredUntil - this.startedAt),
      connections: addConnections(done.map((worker) => worker.connections)),
      messages: addMessages(done.map((worker) => worker.messages)),
      closeCodes: addRecords(done.map((worker) => worker.closeCodes)),
      series: this.series,
      serviceTime,
      connectTime: addEncoded(done.map((worker) => worker.connectTime)),
      scenario: addScenarioTotals(done.map((worker) => worker.scenario)),
    });
  }
}

/** Start a run; `result` resolves when every connection has closed. */
export function startLoad(options: LoadOptions, hooks: LoadHooks = {}): LoadRun {
  return new LoadRun(options, hooks);
}
