/**
 * `wscope run`'s report for people: each scenario with ✓/✗ and its time, each step with its own,
 * and for a failed step the check that failed, what came instead and a -/+ diff against what
 * was expected. What the server sent is escaped: it cannot drive the terminal.
 */
import { countStatuses, type RunResult, type ScenarioResult, type StepResult } from '../../scenario/index.js';
import { formatDuration, formatPlace } from '../../templating/index.js';
import type { Palette } from '../terminal/colors.js';
import { escapeControls } from '../terminal/escape.js';

const MARK = { passed: '✓', failed: '✗', skipped: '-' } as const;

export function formatScenario(result: ScenarioResult, colors: Palette): string {
  const lines: string[] = [];
  const mark = result.status === 'passed' ? colors.status(MARK.passed) : colors.error(MARK.failed);
  lines.push(`  ${mark} ${escapeControls(result.name)} ${colors.dim(`(${formatDuration(result.ms)})`)}`);
  for (const step of result.steps) formatStep(step, 6, colors, lines);
  // A failure outside the steps (work in the background, every): said once, under the scenario.
  if (result.failure && !result.steps.some(failedDeep)) lines.push(`      ${colors.error(escapeControls(result.failure.message))}`);
  return `${lines.join('\n')}\n`;
}

function failedDeep(step: StepResult): boolean {
  return step.status === 'failed';
}

function formatStep(step: StepResult, indent: number, colors: Palette, lines: string[]): void {
  const pad = ' '.repeat(indent);
  const label = escapeControls(step.label);
  if (step.status === 'skipped') {
    lines.push(colors.dim(`${pad}${MARK.skipped} ${label} (skipped)`));
    return;
  }
  const mark = step.status === 'passed' ? colors.status(MARK.passed) : colors.error(MARK.failed);
  const where = step.status === 'failed' ? `  ${formatPlace(step.place)}` : '';
  lines.push(`${pad}${mark} ${label} ${colors.dim(formatDuration(step.ms))}${colors.dim(where)}`);
  for (const note of step.notes) lines.push(colors.dim(`${pad}    ${escapeControls(note)}`));
  if (step.children) {
    // A repeat of a thousand passing steps says so in one line; a failing one shows the failure.
    const shown = step.children.length > 20 && step.status === 'passed' ? [] : step.children;
    if (shown.length === 0 && step.children.length > 0) lines.push(colors.dim(`${pad}    ${step.children.length} steps passed`));
    for (const child of shown) formatStep(child, indent + 4, colors, lines);
  }
  const failure = step.failure;
  if (!failure || step.children?.some(failedDeep)) return;
  lines.push(`${pad}    ${colors.error(escapeControls(failure.message))}`);
  if (failure.received !== undefined) lines.push(`${pad}    received: ${escapeControls(failure.received).replace(/\n/g, `\n${pad}              `)}`);
  if (failure.diff !== undefined) {
    for (const line of escapeControls(failure.diff).split('\n')) {
      const colored = line.startsWith('- ') ? colors.status(line) : line.startsWith('+ ') ? colors.error(line) : line;
      lines.push(`${pad}      ${colored}`);
    }
  }
}

export function formatFileHeader(file: string, colors: Palette): string {
  return `${colors.key(file)}\n`;
}

export function formatSummary(result: RunResult, colors: Palette): string {
  const counts = countStatuses(result);
  const total = counts.passed + counts.failed;
  const parts = [colors.status(`${counts.passed} passed`)];
  if (counts.failed > 0) parts.push(colors.error(`${counts.failed} failed`));
  if (result.notRun > 0) parts.push(colors.warning(`${result.notRun} not run (--bail)`));
  return `\n${parts.join(', ')} ${colors.dim(`(${total} scenario${total === 1 ? '' : 's'}, ${formatDuration(result.ms)})`)}\n`;
}
