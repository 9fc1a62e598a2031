/**
 * The report's summary: the run's figures as rows of a table (label, the value as a person reads
 * it, and the raw number with its unit for machines and tests), grouped as the terminal summary is.
 */
import type { LatencySummary, LoadResult } from '../result.js';

export interface SummaryRow {
  label: string;
  text: string;
  /** The figure as the JSON holds it (µs for times), for `data-value`. */
  value: number | string;
  /** A stable key for the row: 'latency-p99', 'messages-sent'... */
  key: string;
}

export interface SummaryGroup {
  title: string;
  rows: SummaryRow[];
}

/** A time in µs as a person reads it: 850 µs, 12.3 ms, 4.56 s. */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '–';
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toPrecision(3)} ms`;
  return `${(us / 1_000_000).toPrecision(3)} s`;
}

export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  return `${perSecond >= 100 ? Math.round(perSecond).toLocaleString('en-US') : perSecond.toPrecision(3)}/s`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toPrecision(3)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toPrecision(3)} KiB`;
  return `${Math.round(bytes)} B`;
}

/** RFC 6455 §7.4.1's codes, and 1006 as the API reports a TCP end without a Close. */
const CLOSE_MEANINGS: Record<string, string> = {
  '1000': 'normal closure',
  '1001': 'going away',
  '1002': 'protocol error',
  '1003': 'unsupported data',
  '1006': 'closed without a Close frame',
  '1007': 'invalid payload data',
  '1008': 'policy violation',
  '1009': 'message too big',
  '1010': 'mandatory extension',
  '1011': 'internal error',
  '1012': 'service restart',
  '1013': 'try again later',
  '1014': 'bad gateway',
  '1015': 'TLS handshake failure',
};

function distribution(prefix: string, summary: LatencySummary): SummaryRow[] {
  const figures: Array<[string, keyof LatencySummary]> = [
    ['min', 'min'],
    ['p50', 'p50'],
    ['p90', 'p90'],
    ['p99', 'p99'],
    ['p99.9', 'p999'],
    ['max', 'max'],
    ['mean', 'mean'],
  ];
  return figures.map(([label, field]) => ({ label, text: formatMicros(summary[field]), value: summary[field], key: `${prefix}-${field}` }));
}

/** A threshold's figure in its unit: µs for times, a share for 'errors', messages/s for 'rate', else a count. */
function thresholdFigure(metric: string, limit: number, actual: number): string {
  if (/^(connect-|service-)?(p\d|min|max|mean)/.test(metric)) return formatMicros(actual);
  // 'errors<10' compares the count, 'errors<0.1%' the share (a limit under 1).
  if (metric === 'errors' && limit < 1) return `${(actual * 100).toPrecision(3)}%`;
  if (metric === 'rate') return formatRate(actual);
  return formatCount(actual);
}

export function summaryGroups(result: LoadResult): SummaryGroup[] {
  const { connections, messages } = result.totals;
  const count = (key: string, label: string, n: number): SummaryRow => ({ key, label, text: formatCount(n), value: n });
  const groups: SummaryGroup[] = [
    {
      title: 'Connections',
      rows: [
        count('connections-attempted', 'attempted', connections.attempted),
        count('connections-opened', 'opened', connections.opened),
        count('connections-failed', 'failed', connections.failed),
        count('connections-lost', 'lost (closed before the run closed them)', connections.lost),
        count('connections-peak', 'most open at once', connections.peakOpen),
        ...Object.entries(connections.handshakeFailures).map(([status, n]) => count(`handshake-${status}`, `handshake refused: HTTP ${status}`, n)),
        ...Object.entries(connections.connectErrors).map(([code, n]) => count(`connect-${code}`, `connect error: ${code}`, n)),
      ],
    },
    {
      title: 'Messages',
      rows: [
        count('messages-sent', 'sent', messages.sent),
        count('messages-received', 'received', messages.received),
        count('messages-matched', 'matched (reply paired with its request)', messages.matched),
        count('messages-unmatched', 'unmatched (connection closed or run ended while waiting)', messages.unmatched),
        count('messages-timedOut', 'timed out', messages.timedOut),
        count('messages-unsolicited', 'unsolicited (pushes, late replies)', messages.unsolicited),
        { key: 'throughput-sent', label: 'sent per second', text: formatRate(result.throughput.sentPerSecond), value: result.throughput.sentPerSecond },
        {
          key: 'throughput-received',
          label: 'received per second',
          text: formatRate(result.throughput.receivedPerSecond),
          value: result.throughput.receivedPerSecond,
        },
        {
          key: 'bytes-sent',
          label: 'payload sent per second',
          text: `${formatBytes(result.throughput.bytesSentPerSecond)}/s`,
          value: result.throughput.bytesSentPerSecond,
        },
        { key: 'errors', label: 'errors', text: formatCount(result.totals.errors), value: result.totals.errors },
        {
          key: 'error-rate',
          label: 'error rate',
          text: `${(result.totals.errorRate * 100).toPrecision(3)}%`,
          value: result.totals.errorRate,
        },
      ],
    },
    {
      title: `Reply latency (${result.settings.latencyFrom === 'intended' ? 'from the intended send time: coordinated omission corrected' : 'from the send'})`,
      rows: distribution('latency', result.latency),
    },
    { title: 'Connect time', rows: distribution('connect', result.connectTime) },
    {
      title: 'Close codes',
      rows: Object.entries(result.totals.closeCodes).map(([code, n]) => count(`close-${code}`, `${code} ${CLOSE_MEANINGS[code] ?? ''}`.trim(), n)),
    },
  ];
  if (result.thresholds && result.thresholds.length > 0) {
    groups.push({
      title: 'Thresholds',
      rows: result.thresholds.map((t, i) => ({
        key: `threshold-${i}`,
        label: t.expression,
        text: `${t.passed ? 'passed' : 'FAILED'}: ${thresholdFigure(t.metric, t.limit, t.actual)}`,
        value: t.passed ? 'passed' : 'failed',
      })),
    });
  }
  return groups.filter((group) => group.rows.length > 0);
}
