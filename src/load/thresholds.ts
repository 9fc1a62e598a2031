/**
 * `--threshold` checks, as k6 has them: `p99<50ms`, `errors<0.1%`, `rate>1000/s`. Parsed before
 * the run (a bad one is the user's mistake, found at once), evaluated against the result.
 */
import type { LoadResult, ThresholdOutcome } from './result.js';

type Operator = ThresholdOutcome['operator'];

/** What a threshold's figure is measured in, which decides the units its limit may carry. */
type Kind = 'time' | 'share' | 'rate';

interface Metric {
  kind: Kind;
  /** The figure from a result: µs for times, 0..1 for shares, per second for rates. */
  read(result: LoadResult): number;
  /** For 'share' metrics that also take a plain count (`errors<10`). */
  count?(result: LoadResult): number;
  help: string;
}

const LATENCY_FIGURES = ['min', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'] as const;
type LatencyFigure = (typeof LATENCY_FIGURES)[number];

function figure(summary: LoadResult['latency'], name: LatencyFigure): number {
  return name === 'p99.9' ? summary.p999 : summary[name];
}

const METRICS: Record<string, Metric> = {
  ...Object.fromEntries(
    LATENCY_FIGURES.map((name) => [name, { kind: 'time', read: (r: LoadResult) => figure(r.latency, name), help: `reply latency ${name}` } satisfies Metric]),
  ),
  ...Object.fromEntries(
    LATENCY_FIGURES.map((name) => [
      `connect-${name}`,
      { kind: 'time', read: (r: LoadResult) => figure(r.connectTime, name), help: `connect time ${name}` } satisfies Metric,
    ]),
  ),
  errors: {
    kind: 'share',
    read: (r) => r.totals.errorRate,
    count: (r) => r.totals.errors,
    help: 'failed + lost connections and timed-out replies, as a share of connections attempted + messages sent (or a count)',
  },
  timeouts: {
    kind: 'share',
    read: (r) => (r.totals.messages.sent === 0 ? 0 : r.totals.messages.timedOut / r.totals.messages.sent),
    count: (r) => r.totals.messages.timedOut,
    help: 'timed-out replies, as a share of messages sent (or a count)',
  },
  'failed-connections': {
    kind: 'share',
    read: (r) => (r.totals.connections.attempted === 0 ? 0 : r.totals.connections.failed / r.totals.connections.attempted),
    count: (r) => r.totals.connections.failed,
    help: 'connections that did not open, as a share of attempts (or a count)',
  },
  'iterations-failed': {
    kind: 'share',
    read: (r) => (r.scenario === undefined || r.scenario.iterations.run === 0 ? 0 : r.scenario.iterations.failed / r.scenario.iterations.run),
    count: (r) => r.scenario?.iterations.failed ?? 0,
    help: '--scenario: iterations that failed, as a share of those run (or a count)',
  },
  rate: { kind: 'rate', read: (r) => r.throughput.matchedPerSecond, help: 'replies matched per second' },
  'sent-rate': { kind: 'rate', read: (r) => r.throughput.sentPerSecond, help: 'messages sent per second' },
};

export const THRESHOLD_METRICS: ReadonlyArray<[string, string]> = Object.entries(METRICS).map(([name, metric]) => [name, metric.help]);

export class ThresholdError extends Error {
  override name = 'ThresholdError';
}

export interface Threshold {
  expression: string;
  metric: string;
  operator: Operator;
  /** In the metric's unit (µs, 0..1, /s), or a count when `asCount`. */
  limit: number;
  /** `errors<10`: the count is compared, not the share. */
  asCount: boolean;
}

const TIME_UNITS: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };

/** Parse one `--threshold`; a ThresholdError says what is wrong with it. */
export function parseThreshold(expression: string): Threshold {
  const match = /^\s*([a-z][a-z0-9.-]*)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*([a-zµ%/]*)\s*$/i.exec(expression);
  if (!match) throw new ThresholdError(`threshold '${expression}' is not METRIC<VALUE or METRIC>VALUE (e.g. 'p99<50ms', 'errors<0.1%', 'rate>1000/s')`);
  const [, name = '', operator = '<', number = '0', unit = ''] = match;
  const metric = METRICS[name.toLowerCase()];
  if (!metric) throw new ThresholdError(`threshold '${expression}': unknown figure '${name}' (known: ${Object.keys(METRICS).join(', ')})`);
  const value = Number(number);
  const base = { expression, metric: name.toLowerCase(), operator: operator as Operator };
  const bad = (wanted: string) => new ThresholdError(`threshold '${expression}': ${name} takes ${wanted}, not '${unit}'`);
  switch (metric.kind) {
    case 'time': {
      // A bare number is milliseconds, as people write latencies.
      const scale = unit === '' ? 1000 : TIME_UNITS[unit.toLowerCase()];
      if (scale === undefined) throw bad('a time (us, ms, s)');
      return { ...base, limit: value * scale, asCount: false };
    }
    case 'share':
      if (unit === '%') return { ...base, limit: value / 100, asCount: false };
      if (unit === '') return { ...base, limit: value, asCount: true };
      throw bad('a percentage (0.1%) or a count');
    case 'rate':
      if (unit === '' || unit.toLowerCase() === '/s') return { ...base, limit: value, asCount: false };
      throw bad('a rate per second (1000/s)');
  }
}

/** Each threshold against the result, in order. */
export function evaluateThresholds(thresholds: readonly Threshold[], result: LoadResult): ThresholdOutcome[] {
  return thresholds.map((threshold) => {
    const metric = METRICS[threshold.metric]!;
    const actual = threshold.asCount && metric.count ? metric.count(result) : metric.read(result);
    return {
      expression: threshold.expression,
      metric: threshold.metric,
      operator: threshold.operator,
      limit: threshold.limit,
      actual,
      passed: holds(actual, threshold.operator, threshold.limit),
    };
  });
}

function holds(actual: number, operator: Operator, limit: number): boolean {
  switch (operator) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
  }
}
