/** What a worker thread and the coordinator say to each other (structured-cloned over postMessage). */
import type { ConnectionTotals, MessageTotals } from './result.js';
import type { LoadOptions } from './options.js';
import type { ScenarioTotals } from './scenario-totals.js';

/** workerData: the run, and which share of the connections is this worker's. */
export interface WorkerSetup {
  options: LoadOptions;
  /** This worker takes the connections index, index + count, index + 2·count... (0-based). */
  index: number;
  count: number;
}

export type ToWorker =
  /** Begin at this instant (ms since the epoch): the same second boundaries in every worker. */
  | { type: 'start'; startedAt: number }
  /** Stop sending now (Ctrl-C): drain, close, report. */
  | { type: 'stop' };

/** One second of one worker; the coordinator adds the workers' samples of the same second. */
export interface WorkerSecond {
  type: 'second';
  second: number;
  open: number;
  opened: number;
  failed: number;
  closed: number;
  sent: number;
  received: number;
  matched: number;
  timedOut: number;
  unsolicited: number;
  errors: number;
  closeCodes: Record<string, number>;
  /** This second's reply latency histogram (encodeIntoCompressedBase64), null when nothing matched. */
  histogram: string | null;
}

export interface WorkerDone {
  type: 'done';
  connections: Omit<ConnectionTotals, 'peakOpen'>;
  messages: MessageTotals;
  closeCodes: Record<string, number>;
  serviceTime: string;
  connectTime: string;
  /** When this worker stopped measuring (see LoadResult.measuredMs), ms since the epoch. */
  measuredUntil: number;
  endedAt: number;
  /** --scenario runs: what the worker's virtual users did with the scenario. */
  scenario?: ScenarioTotals;
}

export type FromWorker = { type: 'ready' } | WorkerSecond | WorkerDone;
