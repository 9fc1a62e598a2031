/** `--reporter json`: the whole run as one JSON document (files, scenarios, steps, failures, traces). */
import { countStatuses, type RunResult } from '../../scenario/index.js';

export function formatJson(result: RunResult): string {
  const counts = countStatuses(result);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return `${JSON.stringify(
    {
      passed: counts.passed,
      failed: counts.failed,
      notRun: result.notRun,
      ms: round(result.ms),
      files: result.files.map((file) => ({
        file: file.file,
        scenarios: file.scenarios.map((scenario) => ({ ...scenario, ms: round(scenario.ms) })),
      })),
    },
    (key, value: unknown) => (key === 'ms' && typeof value === 'number' ? round(value) : value),
    2,
  )}\n`;
}
