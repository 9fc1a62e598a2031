/** What running scenarios gives: per scenario, its steps with their outcome and time, and its trace. */
import type { TraceEvent } from '../index.js';
import type { Place } from '../templating/index.js';

export type Status = 'passed' | 'failed' | 'skipped';

export interface Failure {
  message: string;
  diff?: string;
  received?: string;
  /** The file is wrong (a missing variable, a bad message), not the server: exit 12, not 11. */
  fileError?: boolean;
}

export interface StepResult {
  label: string;
  kind: string;
  place: Place;
  status: Status;
  ms: number;
  notes: string[];
  failure?: Failure;
  /** A repeat's steps, each iteration's in turn. */
  children?: StepResult[];
}

export interface ScenarioResult {
  file: string;
  name: string;
  place: Place;
  status: Status;
  /** When it started (ms since the epoch) and how long it took. */
  start: number;
  ms: number;
  steps: StepResult[];
  failure?: Failure;
  /** Every trace event of the scenario's connections (docs/trace.md). */
  trace: TraceEvent[];
}

export interface FileResult {
  file: string;
  scenarios: ScenarioResult[];
}

export interface RunResult {
  files: FileResult[];
  ms: number;
  /** Scenarios selected but not run (--bail stopped the run first). */
  notRun: number;
}

export function countStatuses(result: RunResult): Record<Status, number> {
  const counts: Record<Status, number> = { passed: 0, failed: 0, skipped: 0 };
  for (const file of result.files) for (const scenario of file.scenarios) counts[scenario.status] += 1;
  return counts;
}
