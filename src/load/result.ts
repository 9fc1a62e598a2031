/**
 * The result of a `wscope load` run: what `--json FILE` writes, what `wscope load compare` and
 * `wscope load merge` read, and what the HTML report (`--report`) and the metrics exporters draw.
 *
 * This is a contract: fields are only ever added, never renamed or given another meaning, and
 * `format` changes only if that promise has to be broken. Every figure a person reads is here
 * as a number; the HDR histograms are here too, serialised, so two results can be merged or
 * compared exactly (the percentiles of a merge are the percentiles of the added histograms, not
 * an average of percentiles).
 *
 * Units: times in MICROSECONDS (µs) unless a name says otherwise (`...Ms`, `...Seconds`);
 * instants in milliseconds since the Unix epoch; sizes in bytes.
 */

import type { ScenarioTotals } from './scenario-totals.js';

export type { ScenarioTotals, StepFailureCount } from './scenario-totals.js';

/** The value of `format`: the result's shape, version 1. */
export const LOAD_RESULT_FORMAT = 'wscope-load/1';

export interface LoadResult {
  format: typeof LOAD_RESULT_FORMAT;
  /** The wscope version that produced it (for a merge: the first input's). */
  wscope: string;
  /** How the run was asked for. A merge keeps the first input's, with `connections` summed. */
  settings: LoadRunSettings;
  /** When the first connection was attempted, ms since the epoch. */
  startedAt: number;
  /** When the last connection was closed and the counting stopped, ms since the epoch. */
  endedAt: number;
  /**
   * Length of the measured run in ms: from the first connection attempt to the moment the run
   * stopped sending (the end of --duration, or the last reply of --messages). Rates
   * (`throughput`) are per second of this, so closing the connections at the end does not dilute them.
   */
  measuredMs: number;
  /** The machines the figures come from: one for a plain run, one per input for a merge. */
  sources: LoadSource[];
  totals: LoadTotals;
  /**
   * Reply latency, µs: from a request's send time to the arrival of the reply it matched.
   * With a rate (`settings.rate`), the send time is the INTENDED one (the slot the schedule gave
   * the message), so a server that stalls is charged for the requests that queued behind the
   * stall (coordinated omission corrected; see `settings.latencyFrom`). In closed loop
   * (`--in-flight`) it is the actual send time: there is no schedule to fall behind.
   */
  latency: LatencySummary;
  /**
   * Service time, µs: from the ACTUAL send (the message handed to the socket) to the reply.
   * Equal to `latency` without a rate; with one, `latency - serviceTime` is the time the
   * generator or the connection held the request back.
   */
  serviceTime: LatencySummary;
  /** Connect time, µs: from starting to connect (DNS, TCP, TLS, HTTP) to the 101 read. Opened connections only. */
  connectTime: LatencySummary;
  /** Per second of the run, in order, from second 0 (the one `startedAt` falls in) to the last. */
  series: SecondSample[];
  /** The whole run's histograms, each `encodeIntoCompressedBase64` of an hdr-histogram-js histogram (values in µs). */
  histograms: {
    latency: string;
    serviceTime: string;
    connectTime: string;
  };
  /** Whole-run rates (per second of `measuredMs`); the per-second figures are in `series`. */
  throughput: Throughput;
  /** `--threshold` checks, in the order given; absent when none was given. */
  thresholds?: ThresholdOutcome[];
  /** --scenario runs only: the iterations the virtual users ran, passed and failed, and the steps that failed (scenario-totals.ts). */
  scenario?: ScenarioTotals;
}

/** One machine or process whose figures are in the result. */
export interface LoadSource {
  /** os.hostname() of the generator. */
  host: string;
  /** Worker threads it ran. */
  workers: number;
  startedAt: number;
  endedAt: number;
  /** For a merge: the file it was read from. */
  file?: string;
}

/** What the command line asked for, as the run understood it. */
export interface LoadRunSettings {
  /** The target, with any password in it replaced by `***`. */
  url: string;
  /** -c/--connections: virtual users (connections kept open), in total over all workers. */
  connections: number;
  /** --ramp S: seconds over which the connections were opened (0: all at once, subject to connectRate). */
  rampSeconds: number;
  /** --connect-rate R/s: most new connections per second in total; null: no limit. */
  connectRate: number | null;
  /** --duration S: seconds of sending (after the ramp has started); null when --messages bounds the run. */
  durationSeconds: number | null;
  /** --messages N: messages each connection sends; null when --duration bounds the run. */
  messagesPerConnection: number | null;
  /**
   * --rate R/s: the send schedule (open loop). `scope: 'connection'` is R messages/s on every
   * connection; `scope: 'total'` is R messages/s over all connections together (each sends R/N).
   * null: closed loop (`inFlight`).
   */
  rate: { perSecond: number; scope: 'connection' | 'total' } | null;
  /** --in-flight K: closed loop, each connection keeps K requests awaiting a reply. With a rate, the most in flight before sending waits; 0: no cap. */
  inFlight: number;
  /** --match: how a reply is paired with its request: 'echo', 'json:<path>' (e.g. 'json:$.id') or 'next'. */
  match: string;
  /** --reply-timeout S: a request without a reply after this long counts as timed out. */
  replyTimeoutSeconds: number;
  /** Where latency is measured from: 'intended' (a rate is set, coordinated omission corrected) or 'actual' (closed loop). */
  latencyFrom: 'intended' | 'actual';
  /** What is sent. */
  message: {
    /** 'text' (--message), 'file' (--message-file), 'generated' (--size), 'scenario' (--scenario). */
    source: 'text' | 'file' | 'generated' | 'scenario';
    binary: boolean;
    /** Bytes of one message (for a template: of its text before rendering); null for a scenario. */
    size: number | null;
    /** The template or file name, as given (null for --size). */
    spec: string | null;
  };
  /** --workers N: worker threads. */
  workers: number;
  /** --local-address: the source addresses connections were spread over ([] : the system's choice). */
  localAddresses: string[];
  subprotocols: string[];
  /** permessage-deflate offered. */
  compression: boolean;
}

export interface LoadTotals {
  connections: ConnectionTotals;
  messages: MessageTotals;
  /**
   * Everything that went wrong, counted once each: connections that failed to open
   * (`connections.failed`), connections lost before the run closed them (`connections.lost`),
   * and requests that timed out (`messages.timedOut`).
   */
  errors: number;
  /**
   * `errors` as a share of what was attempted: errors / (connections.attempted + messages.sent),
   * from 0 to 1. The figure `--threshold 'errors<0.1%'` tests.
   */
  errorRate: number;
  /**
   * Closes by code (as strings: '1000', '1006'...), every connection that opened and closed,
   * whoever closed it: the run's own 1000 at the end included. 1006: TCP ended without a Close.
   */
  closeCodes: Record<string, number>;
}

export interface ConnectionTotals {
  /** Connection attempts started. attempted = opened + failed (+ still connecting when the run stopped: `abandoned`). */
  attempted: number;
  /** Reached OPEN (the 101 was read and checked). */
  opened: number;
  /** Never opened: refused, timed out, TLS, or the server answered something other than 101. */
  failed: number;
  /** Attempts still connecting when the run ended (given up, not counted as failed). */
  abandoned: number;
  /** Of `failed`: the server answered with this HTTP status instead of 101 (keys '403', '503'...). */
  handshakeFailures: Record<string, number>;
  /** Of `failed`: no HTTP answer, by error code ('ECONNREFUSED', 'ETIMEDOUT', 'WS_ERR_HANDSHAKE_TIMEOUT', 'TLS'...). */
  connectErrors: Record<string, number>;
  /** Opened, then closed before the run asked it to (the server closed it, or TCP dropped). */
  lost: number;
  /** The most connections open at the end of any second: the largest `series[i].connectionsOpen` (so a merge keeps it exact). */
  peakOpen: number;
}

/**
 * Message counts. The invariant, checked by the tests: `sent = matched + unmatched + timedOut`.
 *
 * - `matched`: a reply arrived and was paired with the request (its latency is in the histogram).
 * - `timedOut`: no reply within --reply-timeout.
 * - `unmatched`: neither: when the request's connection closed, or the run ended, the request
 *   was still awaiting its reply and its reply timeout had not passed. (A server that drops the
 *   connection with requests in flight makes them unmatched; so do requests in flight at the end.)
 *
 * And on the receiving side: `received = matched + unsolicited`. `unsolicited` is every message
 * that answered no request awaiting a reply: pushes the server sends on its own, duplicates,
 * and late replies to requests already counted as timed out.
 */
export interface MessageTotals {
  sent: number;
  received: number;
  matched: number;
  unmatched: number;
  timedOut: number;
  unsolicited: number;
  /** Payload bytes (before compression) handed to the engine / received. */
  bytesSent: number;
  bytesReceived: number;
}

/** A distribution's figures, in µs. All 0 when `count` is 0. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  stddev: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** One second of the run: the counts of what happened in it, and the state at its end. */
export interface SecondSample {
  /** Seconds since `startedAt`: this sample covers [startedAt + second·1000, +1000) ms. */
  second: number;
  /** Connections open at the end of the second. */
  connectionsOpen: number;
  /** Connections that reached OPEN during the second. */
  connectionsOpened: number;
  /** Attempts that failed during the second. */
  connectionsFailed: number;
  /** Connections that closed during the second (any code, the run's own closes included). */
  connectionsClosed: number;
  sent: number;
  received: number;
  matched: number;
  timedOut: number;
  unsolicited: number;
  /** errors as `LoadTotals.errors` counts them, those that happened this second. */
  errors: number;
  /** Latency of the replies matched this second, µs; null when none was. */
  latencyP50: number | null;
  latencyP99: number | null;
  latencyMax: number | null;
  /** Closes this second by code (the live view's "errors by close code"). */
  closeCodes: Record<string, number>;
  /** This second's latency histogram, encodeIntoCompressedBase64 (null when nothing matched): a merge adds them. */
  histogram: string | null;
}

/** Whole-run rates, per second of `measuredMs`. */
export interface Throughput {
  sentPerSecond: number;
  receivedPerSecond: number;
  matchedPerSecond: number;
  bytesSentPerSecond: number;
  bytesReceivedPerSecond: number;
}

/** One `--threshold` and how the run fared against it. */
export interface ThresholdOutcome {
  /** As given: 'p99<50ms'. */
  expression: string;
  /** The figure tested: 'p50', 'p90', 'p99', 'p99.9', 'max', 'min', 'mean', 'connect-p99'..., 'errors', 'rate', 'timeouts', 'failed-connections', 'iterations-failed'. */
  metric: string;
  operator: '<' | '<=' | '>' | '>=';
  /** The limit in the figure's unit: µs for times, a 0..1 share for percentages, messages/s for 'rate', a count for counts. */
  limit: number;
  /** The run's figure, same unit as `limit`. */
  actual: number;
  passed: boolean;
}
