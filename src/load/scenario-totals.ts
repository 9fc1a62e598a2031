/**
 * What the virtual users of a `--scenario` run did with the scenario itself: iterations run,
 * passed and failed, and each step that failed one, with the first failure's message. Part of
 * the LoadResult (`scenario`, absent for runs that send generated messages); workers' and
 * machines' totals add exactly (counts summed, the earliest first failure kept).
 */

export interface ScenarioTotals {
  /** --scenario FILE, as given. */
  file: string;
  /** The scenarios one iteration runs, in the file's order (--grep selects them). */
  scenarios: string[];
  /** --iterations N: iterations per virtual user; null when they were repeated until --duration ended. */
  iterationsPerConnection: number | null;
  /**
   * One iteration is one virtual user running the scenarios once, from their first step (their
   * `connect`) to the end. run = passed + failed + interrupted; interrupted: still running when
   * the run ended (the end of --duration plus --reply-timeout, or Ctrl-C), counted neither way.
   */
  iterations: { run: number; passed: number; failed: number; interrupted: number };
  /** Each step that failed an iteration, most often first: the step, how often, and its first failure. */
  failures: StepFailureCount[];
}

export interface StepFailureCount {
  scenario: string;
  /** The step as a report names it: `expect json {"type":"pong"}`. */
  step: string;
  /** Where it is written: `chat.wscope.yaml:14:9`. */
  place: string;
  /** Iterations it failed. */
  count: number;
  /** The first failure's message, and when it happened (ms since the epoch). */
  first: string;
  firstAt: number;
  /** The file is at fault (a missing variable, a bad message), not the server. */
  fileError?: boolean;
}

export function emptyScenarioTotals(file: string, scenarios: string[], iterationsPerConnection: number | null): ScenarioTotals {
  return { file, scenarios, iterationsPerConnection, iterations: { run: 0, passed: 0, failed: 0, interrupted: 0 }, failures: [] };
}

/** Count one failed iteration against its step. */
export function countFailure(totals: ScenarioTotals, failure: Omit<StepFailureCount, 'count'>): void {
  const known = totals.failures.find((one) => one.scenario === failure.scenario && one.place === failure.place && one.step === failure.step);
  if (known) known.count++;
  else totals.failures.push({ ...failure, count: 1 });
}

/** The sum of several totals (workers', or merged runs'); undefined when none has any. */
export function addScenarioTotals(list: ReadonlyArray<ScenarioTotals | undefined>): ScenarioTotals | undefined {
  const present = list.filter((totals): totals is ScenarioTotals => totals !== undefined);
  const first = present[0];
  if (!first) return undefined;
  const sum = emptyScenarioTotals(first.file, first.scenarios, first.iterationsPerConnection);
  for (const totals of present) {
    sum.iterations.run += totals.iterations.run;
    sum.iterations.passed += totals.iterations.passed;
    sum.iterations.failed += totals.iterations.failed;
    sum.iterations.interrupted += totals.iterations.interrupted;
    for (const failure of totals.failures) {
      const known = sum.failures.find((one) => one.scenario === failure.scenario && one.place === failure.place && one.step === failure.step);
      if (!known) sum.failures.push({ ...failure });
      else {
        known.count += failure.count;
        if (failure.firstAt < known.firstAt) Object.assign(known, { first: failure.first, firstAt: failure.firstAt });
      }
    }
  }
  sum.failures.sort((a, b) => b.count - a.count || a.firstAt - b.firstAt);
  return sum;
}
