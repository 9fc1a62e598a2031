/** The table at the end of `wscope load`: connections, messages, latency, close codes, throughput, thresholds. */
import { STATUS_CODES } from 'node:http';
import { describeCloseCode } from '../../index.js';
import type { LatencySummary, LoadResult, ScenarioTotals, ThresholdOutcome } from '../../load/index.js';
import type { Palette } from '../terminal/colors.js';
import { formatBytes, formatCount, formatMicros, formatRate, formatShare } from './figures.js';

const LABEL_WIDTH = 16;

function row(label: string, text: string): string {
  return `${label.padEnd(LABEL_WIDTH)}${text}\n`;
}

function pairs(items: Array<[string, string]>): string {
  return items.map(([name, value]) => `${name} ${value}`).join('   ');
}

export function percentiles(summary: LatencySummary): string {
  if (summary.count === 0) return 'none measured';
  return pairs([
    ['min', formatMicros(summary.min)],
    ['p50', formatMicros(summary.p50)],
    ['p90', formatMicros(summary.p90)],
    ['p99', formatMicros(summary.p99)],
    ['p99.9', formatMicros(summary.p999)],
    ['max', formatMicros(summary.max)],
  ]);
}

function counted(record: Record<string, number>, name: (key: string) => string): string {
  const entries = Object.entries(record).sort(([, a], [, b]) => b - a);
  return entries.map(([key, count]) => `${name(key)} ×${formatCount(count)}`).join(', ');
}

export function formatSummary(result: LoadResult, colors: Palette): string {
  const { connections, messages } = result.totals;
  const settings = result.settings;
  let text = `\n${colors.key('Summary')} ${settings.url}: ${formatCount(settings.connections)} connections, ${(result.measuredMs / 1000).toFixed(1)} s measured\n`;
  text += row(
    'Connections',
    pairs([
      ['attempted', formatCount(connections.attempted)],
      ['opened', formatCount(connections.opened)],
      ['failed', failedText(connections.failed, colors)],
      ['lost', failedText(connections.lost, colors)],
      ['peak open', formatCount(connections.peakOpen)],
    ]),
  );
  text += row('Connect time', percentiles(result.connectTime));
  if (Object.keys(connections.handshakeFailures).length > 0)
    text += row(
      'Refused (HTTP)',
      counted(connections.handshakeFailures, (status) => `${status} ${STATUS_CODES[Number(status)] ?? ''}`.trim()),
    );
  if (Object.keys(connections.connectErrors).length > 0)
    text += row(
      'Connect errors',
      counted(connections.connectErrors, (code) => code),
    );
  text += row(
    'Messages',
    pairs([
      ['sent', formatCount(messages.sent)],
      ['matched', formatCount(messages.matched)],
      ['unmatched', failedText(messages.unmatched, colors)],
      ['timed out', failedText(messages.timedOut, colors)],
    ]),
  );
  text += row(
    '',
    pairs([
      ['received', formatCount(messages.received)],
      ['unsolicited', formatCount(messages.unsolicited)],
      settings.message.source === 'scenario' ? ['match', 'send → next expect'] : ['match', settings.match],
    ]),
  );
  if (result.scenario) text += scenarioRows(result.scenario, colors);
  const from = settings.latencyFrom === 'intended' ? 'from each message’s scheduled time (coordinated omission corrected)' : 'from each send';
  text += row('Latency', percentiles(result.latency));
  text += row('', colors.dim(`${formatCount(result.latency.count)} replies, ${from}`));
  if (settings.latencyFrom === 'intended') text += row('Service time', percentiles(result.serviceTime));
  text += row(
    'Close codes',
    Object.keys(result.totals.closeCodes).length === 0
      ? 'none'
      : counted(result.totals.closeCodes, (code) => `${code} ${describeCloseCode(Number(code)).name}`),
  );
  const throughput = result.throughput;
  text += row(
    'Throughput',
    pairs([
      ['sent', formatRate(throughput.sentPerSecond)],
      ['replies', formatRate(throughput.matchedPerSecond)],
      ['out', `${formatBytes(throughput.bytesSentPerSecond)}/s`],
      ['in', `${formatBytes(throughput.bytesReceivedPerSecond)}/s`],
    ]),
  );
  text += row('', colors.dim(`replies/s by second: ${bySecond(result)}`));
  text += row('Errors', `${failedText(result.totals.errors, colors)} (${formatShare(result.totals.errorRate)} of connections attempted + messages sent)`);
  if (result.thresholds)
    for (const [index, outcome] of result.thresholds.entries()) text += row(index === 0 ? 'Thresholds' : '', thresholdText(outcome, colors));
  return text;
}

/** The iterations the virtual users ran, and each step that failed some, with its first failure. */
function scenarioRows(scenario: ScenarioTotals, colors: Palette): string {
  const { iterations } = scenario;
  let text = row(
    'Iterations',
    pairs([
      ['run', formatCount(iterations.run)],
      ['passed', formatCount(iterations.passed)],
      ['failed', failedText(iterations.failed, colors)],
      ['interrupted', formatCount(iterations.interrupted)],
    ]),
  );
  text += row('', colors.dim(`${scenario.file}: ${scenario.scenarios.join(', ')}`));
  for (const [index, failure] of scenario.failures.entries()) {
    text += row(index === 0 ? 'Failed steps' : '', `${colors.error(`×${formatCount(failure.count)}`)} ${failure.step}  ${colors.dim(failure.place)}`);
    text += row('', colors.dim(`first: ${failure.first}`));
  }
  return text;
}

function failedText(count: number, colors: Palette): string {
  return count === 0 ? '0' : colors.error(formatCount(count));
}

/** The per-second reply rate, at most 30 figures (seconds grouped on longer runs). */
function bySecond(result: LoadResult): string {
  const series = result.series;
  if (series.length === 0) return 'none';
  const group = Math.ceil(series.length / 30);
  const figures: string[] = [];
  for (let at = 0; at < series.length; at += group) {
    const slice = series.slice(at, at + group);
    figures.push(formatCount(slice.reduce((sum, sample) => sum + sample.matched, 0) / slice.length));
  }
  return group === 1 ? figures.join(' ') : `${figures.join(' ')} (${group} s each)`;
}

export function thresholdText(outcome: ThresholdOutcome, colors: Palette): string {
  const mark = outcome.passed ? colors.status('✓ pass') : colors.error('✗ FAIL');
  return `${mark} ${outcome.expression} (${thresholdFigure(outcome)})`;
}

/** The run's figure in the threshold's own terms. */
function thresholdFigure(outcome: ThresholdOutcome): string {
  const { metric, actual } = outcome;
  if (metric === 'rate' || metric === 'sent-rate') return `was ${formatRate(actual)}`;
  // A share's limit is written with %; without one the count was compared.
  if (['errors', 'timeouts', 'failed-connections', 'iterations-failed'].includes(metric))
    return outcome.expression.includes('%') ? `was ${formatShare(actual)}` : `was ${formatCount(actual)}`;
  return `was ${formatMicros(actual)}`;
}
