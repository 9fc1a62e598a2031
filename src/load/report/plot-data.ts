/**
 * The report's plot data from a run's result: the per-second series, in ms, and the latency
 * histogram's buckets, read from the serialised HDR histogram (the exact counts it recorded,
 * grouped into buckets that grow by a constant factor, so a long tail stays readable).
 */
import { decodeHistogram, type Histogram } from '../histogram.js';
import type { LoadResult } from '../result.js';
import type { ReportData } from './page/data.js';

/** Buckets per factor of 10 of latency: 10 gives bounds 1, 1.26, 1.58, 2, 2.5, 3.2, 4, 5, 6.3, 7.9 ×10ⁿ. */
const BUCKETS_PER_DECADE = 10;

const ms = (us: number | null): number | null => (us === null ? null : us / 1000);

/** The recorded values of a decoded HDR histogram with their counts (hdr-histogram-js's JS histogram). */
interface RecordedValues {
  reset(): void;
  hasNext(): boolean;
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
}

function recordedValues(histogram: Histogram): Array<{ value: number; count: number }> {
  const iterator = (histogram as unknown as { recordedValuesIterator: RecordedValues }).recordedValuesIterator;
  const out: Array<{ value: number; count: number }> = [];
  iterator.reset();
  while (iterator.hasNext()) {
    const step = iterator.next();
    out.push({ value: step.valueIteratedTo, count: step.countAtValueIteratedTo });
  }
  return out;
}

/** The histogram's counts in buckets [10^(k/B), 10^((k+1)/B)) µs, from its smallest value's bucket to its largest's. */
export function histogramBuckets(encoded: string): ReportData['histogram'] {
  const values = recordedValues(decodeHistogram(encoded));
  const out: ReportData['histogram'] = { from: [], to: [], count: [] };
  if (values.length === 0) return out;
  const bucketOf = (us: number): number => Math.floor(Math.log10(Math.max(us, 1)) * BUCKETS_PER_DECADE);
  const first = bucketOf(values[0]!.value);
  const last = bucketOf(values[values.length - 1]!.value);
  const counts = new Array<number>(last - first + 1).fill(0);
  for (const { value, count } of values) counts[bucketOf(value) - first]! += count;
  for (let k = first; k <= last; k++) {
    out.from.push(10 ** (k / BUCKETS_PER_DECADE) / 1000);
    out.to.push(10 ** ((k + 1) / BUCKETS_PER_DECADE) / 1000);
    out.count.push(counts[k - first]!);
  }
  return out;
}

export function reportData(result: LoadResult): ReportData {
  const series = result.series;
  return {
    seconds: series.map((s) => s.second),
    latency: {
      p50: series.map((s) => ms(s.latencyP50)),
      p99: series.map((s) => ms(s.latencyP99)),
      max: series.map((s) => ms(s.latencyMax)),
    },
    throughput: { sent: series.map((s) => s.sent), received: series.map((s) => s.received) },
    connections: {
      open: series.map((s) => s.connectionsOpen),
      opened: series.map((s) => s.connectionsOpened),
      closed: series.map((s) => s.connectionsClosed),
      failed: series.map((s) => s.connectionsFailed),
    },
    histogram: histogramBuckets(result.histograms.latency),
  };
}
