/**
 * What the report page draws: plain arrays, computed from the run's result when the report is
 * written (src/load/report/plot-data.ts), embedded in the page as JSON. Times in milliseconds.
 */
export interface ReportData {
  /** Seconds since the run started, one per sample. */
  seconds: number[];
  latency: {
    /** Per second, ms; null where no reply was matched that second. */
    p50: (number | null)[];
    p99: (number | null)[];
    max: (number | null)[];
  };
  throughput: {
    /** Messages per second, out (sent) and in (received). */
    sent: number[];
    received: number[];
  };
  connections: {
    open: number[];
    opened: number[];
    closed: number[];
    failed: number[];
  };
  /** The whole run's latency histogram, in buckets of growing width. */
  histogram: {
    /** Each bucket's lower and upper bound, ms. */
    from: number[];
    to: number[];
    count: number[];
  };
}
