/** Small numeric helpers shared by the harness: medians, exact percentiles, number formatting. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Exact percentile of samples already sorted ascending (nearest-rank method).
 * The latency scenario keeps every sample in a preallocated Float64Array and sorts it once:
 * with at most a few hundred thousand samples per run that is exact, costs nothing while
 * measuring (one store per sample), and needs no dependency. A bucketed histogram such as
 * HdrHistogram only pays off for unbounded streams, at the price of rounding.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** A number with 3 significant digits and k/M suffixes: 1234567 → "1.23M". */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toPrecision(3)}k`;
  if (abs >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toPrecision(3)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toPrecision(3)} KiB`;
  return `${bytes.toFixed(0)} B`;
}

export function formatMicros(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const us = ms * 1000;
  return us >= 1000 ? `${(us / 1000).toPrecision(3)} ms` : `${us.toPrecision(3)} µs`;
}

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '–';
}

export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}
