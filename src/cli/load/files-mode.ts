/** `wscope load compare A B` and `wscope load merge FILES -o OUT`: over --json results. */
import { writeFileSync } from 'node:fs';
import { type ComparedFigure, compareResults, type LoadResult, LoadResultError, mergeResults, parseLoadResult } from '../../load/index.js';
import { ExitCode } from '../exit-codes.js';
import { BadFileError, readTextFile } from '../recording-file.js';
import { colorWanted, type Palette, palette } from '../terminal/colors.js';
import { formatCount, formatMicros, formatRate, formatShare } from './figures.js';

function readResult(path: string): LoadResult {
  try {
    return parseLoadResult(readTextFile(path));
  } catch (error) {
    if (error instanceof LoadResultError) throw new BadFileError(path, error.message);
    throw error;
  }
}

/** Run `work`; an unreadable or invalid result file is one line and exit 12. */
async function reportingBadResults(work: () => ExitCode): Promise<ExitCode> {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof BadFileError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return ExitCode.BadFile;
  }
}

export function runCompare(a: string, b: string): Promise<ExitCode> {
  return reportingBadResults(() => {
    const figures = compareResults(readResult(a), readResult(b));
    process.stdout.write(formatComparison(a, b, figures, palette(colorWanted(true, Boolean(process.stdout.isTTY)))));
    return ExitCode.Normal;
  });
}

export function runMerge(files: string[], output: string): Promise<ExitCode> {
  return reportingBadResults(() => {
    const merged = mergeResults(files.map((file) => ({ result: readResult(file), file })));
    try {
      writeFileSync(output, `${JSON.stringify(merged, null, 2)}\n`);
    } catch (error) {
      process.stderr.write(`error: cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      return ExitCode.Internal;
    }
    const { messages, connections } = merged.totals;
    process.stdout.write(
      `merged ${files.length} results into ${output}: ${formatCount(connections.opened)} connections, ${formatCount(messages.sent)} sent, ${formatCount(messages.matched)} matched, latency p50 ${formatMicros(merged.latency.p50)} p99 ${formatMicros(merged.latency.p99)}\n`,
    );
    return ExitCode.Normal;
  });
}

function formatValue(unit: ComparedFigure['unit'], value: number): string {
  switch (unit) {
    case 'us':
      return formatMicros(Math.abs(value));
    case 'rate':
      return formatRate(Math.abs(value));
    case 'share':
      return formatShare(Math.abs(value));
    case 'count':
      return formatCount(Math.abs(value));
  }
}

function signed(unit: ComparedFigure['unit'], value: number): string {
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${formatValue(unit, value)}`;
}

export function formatComparison(a: string, b: string, figures: readonly ComparedFigure[], colors: Palette): string {
  const header = ['figure', 'A', 'B', 'B − A', 'B / A', ''];
  const rows = figures.map((f) => [
    f.figure,
    formatValue(f.unit, f.a),
    formatValue(f.unit, f.b),
    signed(f.unit, f.difference),
    f.ratio === null ? '-' : `${f.ratio.toFixed(2)}x`,
    f.verdict,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const verdictColor = (verdict: string, text: string) => (verdict === 'worse' ? colors.error(text) : verdict === 'better' ? colors.status(text) : text);
  return [`A: ${a}`, `B: ${b}`, colors.dim(line(header)), ...rows.map((row, index) => verdictColor(figures[index]!.verdict, line(row))), ''].join('\n');
}
