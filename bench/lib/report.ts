/** The result tables: plain text for the terminal, Markdown for docs/benchmarks.md. */
import type { MicroRow } from '../micro.js';
import type { Row } from '../scenarios.js';
import { formatBytes, formatCount, formatRatio } from './stats.js';

function formatValue(value: number, unit: string): string {
  if (unit === 'bytes') return formatBytes(value);
  if (unit === 'µs') return Number.isFinite(value) ? `${value.toPrecision(3)} µs` : '–';
  return formatCount(value);
}

function percent(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 100)}%` : '–';
}

/** ours/ws, marked when it is the better side ("higher"/"lower" decides which way is better). */
function ratioCell(row: Pick<Row, 'ours' | 'ws' | 'better'>): string {
  const ratio = row.ours / row.ws;
  const better = row.better === 'higher' ? ratio > 1 : ratio < 1;
  return `${formatRatio(ratio)}${better ? ' ✓' : ''}`;
}

export function scenarioTable(rows: readonly Row[], section: Row['section']): string[][] {
  const cpuLabel = section === 'server' ? 'server CPU ours / ws' : 'client CPU ours / ws';
  const header = ['scenario', 'unit', 'ours', 'ws', 'ours/ws', cpuLabel, 'ours/ws per CPU-second'];
  if (section === 'server') header.push('loadgen CPU');
  const body = rows
    .filter((row) => row.section === section)
    .map((row) => {
      const cells = [
        row.name,
        `${row.unit} ${row.better === 'higher' ? '↑' : '↓'}`,
        formatValue(row.ours, row.unit),
        formatValue(row.ws, row.unit),
        ratioCell(row),
        `${percent(row.oursCpu)} / ${percent(row.wsCpu)}`,
        efficiencyCell(row),
      ];
      if (section === 'server') cells.push(percent(row.loadCpu));
      return cells;
    });
  return [header, ...body];
}

/**
 * Work done per CPU-second of the side under test, ours over ws: what the throughput ratio
 * would be if both were saturated. It tells the servers apart when the load generator, not
 * the server, is the limit (one message in flight per connection on a 2-core machine).
 */
function efficiencyCell(row: Row): string {
  if (row.better !== 'higher' || !(row.oursCpu > 0) || !(row.wsCpu > 0)) return '';
  return formatRatio(row.ours / row.oursCpu / (row.ws / row.wsCpu));
}

export function microTable(rows: readonly MicroRow[]): string[][] {
  const header = ['hot path', 'unit', 'ours', 'ws (bufferutil)', 'ours/ws', 'ws pure JS', 'ours/ws pure JS'];
  const body = rows.map((row) => [
    row.name,
    `${row.unit} ↑`,
    formatCount(row.ours),
    formatCount(row.ws),
    ratioCell({ ours: row.ours, ws: row.ws, better: 'higher' }),
    row.wsNoNative === undefined ? '' : formatCount(row.wsNoNative),
    row.wsNoNative === undefined ? '' : formatRatio(row.ours / row.wsNoNative),
  ]);
  return [header, ...body];
}

export function textTable(table: string[][]): string {
  const widths = table[0]!.map((_, column) => Math.max(...table.map((cells) => [...(cells[column] ?? '')].length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const [header, ...body] = table;
  return [line(header!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function markdownTable(table: string[][]): string {
  const [header, ...body] = table;
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header!), line(header!.map((_, i) => (i === 0 ? '---' : '---:'))), ...body.map(line)].join('\n');
}

export interface TargetCheck {
  target: string;
  met: boolean;
  detail: string;
}

/** The targets, checked against the rows that measure them. */
export function checkTargets(rows: readonly Row[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const throughput = rows.filter((row) => row.target === 'throughput');
  if (throughput.length > 0) {
    const worst = throughput.reduce((a, b) => (a.ours / a.ws <= b.ours / b.ws ? a : b));
    const failing = throughput.filter((row) => row.ours / row.ws < 1.3);
    checks.push({
      target: 'echo throughput ≥ 1.3x ws at every size',
      met: failing.length === 0,
      detail: `lowest ${formatRatio(worst.ours / worst.ws)} (${worst.name}); ${throughput.length - failing.length} of ${throughput.length} scenarios at ≥ 1.3x`,
    });
  }
  const rss = rows.find((row) => row.target === 'rss');
  if (rss)
    checks.push({ target: '≤ 4 KiB RSS per idle connection', met: rss.ours <= 4096, detail: `ours ${formatBytes(rss.ours)}, ws ${formatBytes(rss.ws)}` });
  const p99 = rows.find((row) => row.target === 'p99');
  if (p99)
    checks.push({
      target: 'p99 latency no worse than ws',
      met: p99.ours <= p99.ws,
      detail: `ours ${p99.ours.toPrecision(3)} µs, ws ${p99.ws.toPrecision(3)} µs`,
    });
  const handshakes = rows.find((row) => row.target === 'handshakes');
  if (handshakes) {
    checks.push({
      target: 'handshakes/s ≥ ws',
      met: handshakes.ours >= handshakes.ws,
      detail: `ours ${formatCount(handshakes.ours)}/s, ws ${formatCount(handshakes.ws)}/s`,
    });
  }
  return checks;
}
