/**
 * Where the hot path records reply latencies: a plain count per whole microsecond below
 * DIRECT_LIMIT, the HDR histogram only beyond it, added to a histogram exactly when asked
 * (once a second). hdr-histogram-js computes a value's bucket with Math.log2 and Math.pow, ~110 ns
 * a value here; incrementing a typed array costs a few, and the sum is the same histogram.
 */
import type { Histogram } from './histogram.js';
import { newHistogram } from './histogram.js';

/** 65.536 ms: replies slower than that go straight to the histogram. */
const DIRECT_LIMIT = 65_536;

export class FastRecorder {
  private readonly counts = new Uint32Array(DIRECT_LIMIT);
  /** The range of values counted since the last drain (low > high: none). */
  private low = DIRECT_LIMIT;
  private high = -1;
  private readonly slow: Histogram = newHistogram();
  /** Values recorded since the last drain. */
  totalCount = 0;

  /** `value` in µs, a whole number (what the histogram would be given). */
  recordValue(value: number): void {
    if (value >= 0 && value < DIRECT_LIMIT) {
      this.counts[value]!++;
      if (value < this.low) this.low = value;
      if (value > this.high) this.high = value;
    } else {
      this.slow.recordValue(value);
    }
    this.totalCount++;
  }

  /** Add everything recorded to `histogram`, and start again empty. */
  drainInto(histogram: Histogram): void {
    const counts = this.counts;
    for (let value = this.low; value <= this.high; value++) {
      const count = counts[value]!;
      if (count === 0) continue;
      histogram.recordValueWithCount(value, count);
      counts[value] = 0;
    }
    this.low = DIRECT_LIMIT;
    this.high = -1;
    if (this.slow.totalCount > 0) {
      histogram.add(this.slow);
      this.slow.reset();
    }
    this.totalCount = 0;
  }
}
