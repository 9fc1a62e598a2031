/**
 * What `wscope load` shows while it runs, once a second: at a terminal, one panel redrawn in
 * place (cursor up, clear line); anywhere else (a CI log, a pipe), one plain line per second.
 */
import { describeCloseCode } from '../../index.js';
import type { RunningTotals, SecondSample } from '../../load/index.js';
import type { Palette } from '../terminal/colors.js';
import { formatCount, formatMicros, formatRate } from './figures.js';

export interface LiveOutput {
  write(text: string): void;
  isTTY: boolean;
}

export class LiveView {
  /** Lines of the panel drawn last (to move back over). */
  private drawn = 0;

  constructor(
    private readonly output: LiveOutput,
    private readonly colors: Palette,
    private readonly plan: { url: string; connections: number; durationSeconds: number | null },
  ) {}

  update(sample: SecondSample, totals: RunningTotals): void {
    if (this.output.isTTY) this.drawPanel(sample, totals);
    else this.output.write(`${this.line(sample, totals)}\n`);
  }

  /** Leave the panel where it is (the summary goes below it). */
  end(): void {
    this.drawn = 0;
  }

  private line(sample: SecondSample, totals: RunningTotals): string {
    const latency = sample.latencyP50 === null ? 'p50 - p99 -' : `p50 ${formatMicros(sample.latencyP50)} p99 ${formatMicros(sample.latencyP99 ?? 0)}`;
    return [
      `[${sample.second + 1}s]`,
      `open ${formatCount(sample.connectionsOpen)} failed ${formatCount(totals.failed)}`,
      `| out ${formatRate(sample.sent)} in ${formatRate(sample.received)}`,
      `| ${latency}`,
      `| errors ${formatCount(totals.errors)}${closesText(totals.closeCodes, ' closes ')}`,
    ].join(' ');
  }

  private drawPanel(sample: SecondSample, totals: RunningTotals): void {
    const c = this.colors;
    const of = this.plan.durationSeconds === null ? '' : ` of ${this.plan.durationSeconds} s`;
    const latency =
      sample.latencyP50 === null
        ? c.dim('no replies this second')
        : `p50 ${formatMicros(sample.latencyP50)}   p99 ${formatMicros(sample.latencyP99 ?? 0)}   max ${formatMicros(sample.latencyMax ?? 0)}`;
    const lines = [
      `${c.key('wscope load')} ${this.plan.url}   ${sample.second + 1} s${of}`,
      `  connections  open ${formatCount(sample.connectionsOpen)} / ${formatCount(this.plan.connections)}   failed ${count(totals.failed, c)}`,
      `  messages/s   out ${formatCount(sample.sent)}   in ${formatCount(sample.received)}   (sent ${formatCount(totals.sent)}, matched ${formatCount(totals.matched)}, unsolicited ${formatCount(totals.unsolicited)})`,
      `  latency      ${latency}   ${c.dim('(last second)')}`,
      `  errors       ${count(totals.errors, c)}   timed out ${count(totals.timedOut, c)}${closesText(totals.closeCodes, '   closes ')}`,
    ];
    // Back to the panel's first line, then each line cleared and rewritten.
    const up = this.drawn > 0 ? `\u001b[${this.drawn}F` : '';
    this.output.write(`${up}${lines.map((line) => `\u001b[2K${line}`).join('\n')}\n`);
    this.drawn = lines.length;
  }
}

function count(n: number, colors: Palette): string {
  return n === 0 ? '0' : colors.error(formatCount(n));
}

function closesText(closeCodes: Record<string, number>, prefix: string): string {
  const entries = Object.entries(closeCodes);
  if (entries.length === 0) return '';
  return `${prefix}${entries.map(([code, n]) => `${code} ${describeCloseCode(Number(code)).name} ×${formatCount(n)}`).join(', ')}`;
}
