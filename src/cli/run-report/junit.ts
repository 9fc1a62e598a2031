/**
 * JUnit XML, as CI systems read it (Jenkins, GitLab, GitHub annotations, junitparser): a
 * <testsuite> per file, a <testcase> per scenario with its time, a <failure> (the server did
 * not do what was expected) or <error> (the file is wrong) with its message, and the steps and
 * the scenario's trace (JSONL, docs/trace.md) in <system-out>.
 */
import { encodeTraceLine } from '../../index.js';
import { countStatuses, type FileResult, type RunResult, type ScenarioResult, type StepResult } from '../../scenario/index.js';
import { formatDuration, formatPlace } from '../../templating/index.js';

export function formatJunit(result: RunResult): string {
  const counts = countStatuses(result);
  const errors = result.files.flatMap((file) => file.scenarios).filter((scenario) => scenario.failure?.fileError).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="wscope run" tests="${counts.passed + counts.failed}" failures="${counts.failed - errors}" errors="${errors}" skipped="0" time="${seconds(result.ms)}">`,
  ];
  for (const file of result.files) lines.push(...suite(file));
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function suite(file: FileResult): string[] {
  const errors = file.scenarios.filter((scenario) => scenario.failure?.fileError).length;
  const failures = file.scenarios.filter((scenario) => scenario.status === 'failed').length - errors;
  const ms = file.scenarios.reduce((sum, scenario) => sum + scenario.ms, 0);
  const start = file.scenarios[0]?.start;
  const timestamp = start !== undefined ? ` timestamp="${new Date(start).toISOString().replace(/\.\d+Z$/, '')}"` : '';
  const lines = [
    `  <testsuite name="${attr(file.file)}" tests="${file.scenarios.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(ms)}"${timestamp}>`,
  ];
  for (const scenario of file.scenarios) lines.push(...testcase(scenario));
  lines.push('  </testsuite>');
  return lines;
}

function testcase(scenario: ScenarioResult): string[] {
  const open = `    <testcase name="${attr(scenario.name)}" classname="${attr(scenario.file)}" file="${attr(scenario.file)}" line="${scenario.place.line}" time="${seconds(scenario.ms)}">`;
  const lines = [open];
  const failure = scenario.failure;
  if (failure) {
    const tag = failure.fileError ? 'error' : 'failure';
    const failedStep = findFailed(scenario.steps);
    const where = failedStep ? `${failedStep.label} (${formatPlace(failedStep.place)})` : scenario.name;
    const body = [`${where}: ${failure.message}`];
    if (failure.received !== undefined) body.push(`received: ${failure.received}`);
    if (failure.diff !== undefined) body.push(failure.diff);
    lines.push(`      <${tag} message="${attr(failure.message)}" type="${failure.fileError ? 'BadFile' : 'CheckFailed'}">${text(body.join('\n'))}</${tag}>`);
  }
  const out = [...stepLines(scenario.steps, ''), '', 'trace:', ...scenario.trace.map((event) => encodeTraceLine(event).trimEnd())];
  lines.push(`      <system-out>${text(out.join('\n'))}</system-out>`, '    </testcase>');
  return lines;
}

function findFailed(steps: StepResult[]): StepResult | undefined {
  for (const step of steps) {
    if (step.status !== 'failed') continue;
    return (step.children && findFailed(step.children)) ?? step;
  }
  return undefined;
}

function stepLines(steps: StepResult[], indent: string): string[] {
  return steps.flatMap((step) => [
    `${indent}${step.status === 'passed' ? 'ok' : step.status === 'failed' ? 'FAILED' : 'skipped'} ${step.label} ${formatDuration(step.ms)} (${formatPlace(step.place)})`,
    ...step.notes.map((note) => `${indent}  ${note}`),
    ...(step.failure && !step.children ? [`${indent}  ${step.failure.message}`] : []),
    ...stepLines(step.children ?? [], `${indent}  `),
  ]);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** XML 1.0 allows no C0 control but tab, newline, CR (§2.2): others are written as \xNN text. */
function clean(value: string): string {
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
