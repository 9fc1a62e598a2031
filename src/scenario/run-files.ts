/**
 * Run the scenarios of several files: those whose name matches `grep`, up to `parallel` at a
 * time (each with its own connections and variables), in the files' order in the result; with
 * `bail`, none starts after the first failure (those running finish).
 */
import { performance } from 'node:perf_hooks';
import { Variables } from '../templating/index.js';
import type { ScenarioFile, ScenarioSpec } from './model.js';
import type { FileResult, RunResult, ScenarioResult, StepResult } from './result.js';
import { runScenario } from './run-scenario.js';
import { TraceCollector } from './trace-collector.js';

export interface RunFilesOptions {
  /** `--env NAME`: which environment of each file (default `default`). */
  envName: string;
  /** `--var k=v`, above the environment. */
  vars: Record<string, string>;
  grep?: RegExp;
  bail: boolean;
  parallel: number;
  defaultTimeoutMs: number;
  signal?: AbortSignal;
  /** `$env.NAME` reads these (default process.env). */
  processEnv?: Record<string, string | undefined>;
  onScenarioStart?: (file: ScenarioFile, scenario: ScenarioSpec) => void;
  onStep?: (file: ScenarioFile, scenario: ScenarioSpec, step: StepResult) => void;
  onScenarioEnd?: (result: ScenarioResult) => void;
}

/** `--env` names an environment a file does not have. */
export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}

/** The environment `name` of a file: `default` may be absent (no variables), another may not. */
export function environmentOf(file: ScenarioFile, name: string): Record<string, unknown> {
  if (Object.hasOwn(file.env, name)) return file.env[name] ?? {};
  if (name === 'default') return {};
  const names = Object.keys(file.env);
  throw new EnvironmentError(`${file.path} has no environment "${name}" (${names.length > 0 ? `env: ${names.join(', ')}` : 'it has no env:'})`);
}

export async function runFiles(files: readonly ScenarioFile[], options: RunFilesOptions): Promise<RunResult> {
  const started = performance.now();
  const jobs: Array<{ file: ScenarioFile; scenario: ScenarioSpec; variables: Variables; slot: number }> = [];
  const fileResults: FileResult[] = files.map((file) => ({ file: file.path, scenarios: [] }));
  files.forEach((file, fileIndex) => {
    const variables = Variables.create({
      environment: environmentOf(file, options.envName),
      overrides: options.vars,
      ...(options.processEnv !== undefined && { processEnv: options.processEnv }),
    });
    for (const scenario of file.scenarios) {
      if (options.grep && !options.grep.test(scenario.name)) continue;
      jobs.push({ file, scenario, variables, slot: fileIndex });
    }
  });
  const trace = new TraceCollector();
  trace.start();
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let next = 0;
  let bailed = false;
  const worker = async () => {
    for (;;) {
      if (bailed || signal.aborted) return;
      const job = jobs[next++];
      if (!job) return;
      const { file, scenario, variables, slot } = job;
      options.onScenarioStart?.(file, scenario);
      const result = await runScenario(file, scenario, {
        variables,
        signal,
        defaultTimeoutMs: options.defaultTimeoutMs,
        trace,
        onStep: (step) => options.onStep?.(file, scenario, step),
      });
      fileResults[slot]?.scenarios.push(result);
      options.onScenarioEnd?.(result);
      if (result.status === 'failed' && options.bail) bailed = true;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, jobs.length)) }, worker));
  } finally {
    trace.stop();
  }
  fileResults.forEach((result, index) => {
    // In the file's order, whatever order they ended in.
    const order = new Map(files[index]?.scenarios.map((scenario, position) => [scenario.name, position]));
    result.scenarios.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  });
  const ran = fileResults.reduce((sum, file) => sum + file.scenarios.length, 0);
  return { files: fileResults, ms: performance.now() - started, notRun: jobs.length - ran };
}
