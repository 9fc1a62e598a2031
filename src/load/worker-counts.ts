/**
 * A worker's counting: what happened in the current second (the hot path increments plain
 * fields, nothing else), folded into the run's totals each time a second ends.
 */
import { FastRecorder } from './fast-recorder.js';
import { encodeHistogram, type Histogram, newHistogram } from './histogram.js';
import type { WorkerDone, WorkerSecond } from './worker-messages.js';

export class SecondCounts {
  opened = 0;
  failed = 0;
  closed = 0;
  sent = 0;
  received = 0;
  matched = 0;
  timedOut = 0;
  unsolicited = 0;
  errors = 0;
  bytesSent = 0;
  bytesReceived = 0;
  readonly closeCodes = new Map<number, number>();

  constructor(
    /** This second's reply latency, µs: the worker's one recorder, drained as the second ends. */
    readonly latency: FastRecorder,
  ) {}
}

export class WorkerCounts {
  private readonly latency = new FastRecorder();
  second = new SecondCounts(this.latency);
  attempted = 0;
  abandoned = 0;
  lost = 0;
  unmatched = 0;
  open = 0;
  readonly handshakeFailures = new Map<string, number>();
  readonly connectErrors = new Map<string, number>();
  /** Recorded per reply in open loop (drained into a histogram at the end). */
  readonly serviceTime = new FastRecorder();
  readonly connectTime: Histogram = newHistogram();
  // Its latency is never read: the seconds carry the latency, the totals only the counts.
  private readonly totals = new SecondCounts(this.latency);

  /**
   * A connection that never opened: abandoned when the run's end closed it while connecting,
   * else failed, by the HTTP status that refused its handshake or by its connect error's code.
   */
  connectFailed(error: (Error & { code?: string; status?: number }) | undefined, stopping: boolean): void {
    if (stopping && error?.code === 'WS_ERR_CLOSED_BEFORE_OPEN') {
      this.abandoned++;
      return;
    }
    this.second.failed++;
    this.second.errors++;
    if (error?.name === 'HandshakeError' && typeof error.status === 'number' && error.status > 0) bump(this.handshakeFailures, String(error.status));
    else bump(this.connectErrors, error?.code ?? error?.name ?? 'unknown');
  }

  /** End the current second: its sample, and a fresh second to count into. */
  endSecond(index: number): WorkerSecond {
    const s = this.second;
    const t = this.totals;
    t.opened += s.opened;
    t.failed += s.failed;
    t.closed += s.closed;
    t.sent += s.sent;
    t.received += s.received;
    t.matched += s.matched;
    t.timedOut += s.timedOut;
    t.unsolicited += s.unsolicited;
    t.errors += s.errors;
    t.bytesSent += s.bytesSent;
    t.bytesReceived += s.bytesReceived;
    for (const [code, count] of s.closeCodes) t.closeCodes.set(code, (t.closeCodes.get(code) ?? 0) + count);
    const sample: WorkerSecond = {
      type: 'second',
      second: index,
      open: this.open,
      opened: s.opened,
      failed: s.failed,
      closed: s.closed,
      sent: s.sent,
      received: s.received,
      matched: s.matched,
      timedOut: s.timedOut,
      unsolicited: s.unsolicited,
      errors: s.errors,
      closeCodes: record(s.closeCodes),
      histogram: s.latency.totalCount === 0 ? null : encodeHistogram(drained(s.latency)),
    };
    this.second = new SecondCounts(this.latency);
    return sample;
  }

  /** The run's totals (call after the last `endSecond`). */
  done(measuredUntil: number): WorkerDone {
    const t = this.totals;
    return {
      type: 'done',
      connections: {
        attempted: this.attempted,
        opened: t.opened,
        failed: t.failed,
        abandoned: this.abandoned,
        handshakeFailures: record(this.handshakeFailures),
        connectErrors: record(this.connectErrors),
        lost: this.lost,
      },
      messages: {
        sent: t.sent,
        received: t.received,
        matched: t.matched,
        unmatched: this.unmatched,
        timedOut: t.timedOut,
        unsolicited: t.unsolicited,
        bytesSent: t.bytesSent,
        bytesReceived: t.bytesReceived,
      },
      closeCodes: record(t.closeCodes),
      serviceTime: encodeHistogram(drained(this.serviceTime)),
      connectTime: encodeHistogram(this.connectTime),
      measuredUntil,
      endedAt: Date.now(),
    };
  }
}

/** Posts each second's counts on the second boundaries of the run, from `startPerf` (performance.now() ms). */
export class SecondClock {
  /** The second being counted now, from 0. */
  index = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly counts: WorkerCounts,
    private readonly post: (message: WorkerSecond) => void,
  ) {}

  start(startPerf: number): void {
    const boundary = startPerf + (this.index + 1) * 1000;
    this.timer = setTimeout(() => {
      this.post(this.counts.endSecond(this.index));
      this.index++;
      this.start(startPerf);
    }, boundary - performance.now());
  }

  /** The run's end: the second in progress is posted as the last. */
  stop(): void {
    clearTimeout(this.timer);
    this.post(this.counts.endSecond(this.index));
  }
}

function drained(recorder: FastRecorder): Histogram {
  const histogram = newHistogram();
  recorder.drainInto(histogram);
  return histogram;
}

export function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function record<K extends string | number>(map: Map<K, number>): Record<string, number> {
  return Object.fromEntries([...map].map(([key, count]) => [String(key), count]));
}
