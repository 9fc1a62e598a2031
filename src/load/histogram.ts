/**
 * The HDR histograms a load run records into (hdr-histogram-js), and the one way they are
 * serialised: values in microseconds, 3 significant digits (a value is kept within 0.1%),
 * resizing as large values arrive, so any two histograms add exactly.
 */
import hdr, { type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from './result.js';

export type { Histogram };

/** A histogram of µs values: 1 µs to (growing) hours, to 3 significant digits. */
export function newHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** A serialised histogram back; throws on text that is not one. */
export function decodeHistogram(base64: string): Histogram {
  const histogram = hdr.decodeFromCompressedBase64(base64, 32, false);
  histogram.autoResize = true;
  return histogram;
}

/** The sum of serialised histograms, as a histogram (an empty one for none). */
export function addEncoded(encoded: Iterable<string>): Histogram {
  const sum = newHistogram();
  for (const one of encoded) sum.add(decodeHistogram(one));
  return sum;
}

/** The figures a person reads off a histogram; all 0 when it is empty. */
export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, min: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    count,
    min: histogram.minNonZeroValue,
    mean: round(histogram.mean),
    stddev: round(histogram.stdDeviation),
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    max: histogram.maxValue,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
