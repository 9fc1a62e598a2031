/**
 * `wscope load --scenario FILE`: the flags that go with it read into LoadScenario (the flags
 * that make no sense with it are a usage error, exit 2), and the file checked before anything
 * connects (a file that cannot be read or is invalid: one line, exit 12).
 */
import type { LoadScenario } from '../../load/index.js';
import type { RawOptions } from '../flags.js';
import { UsageError } from '../usage-error.js';

/** Flags that say what to send or how to pace it: a scenario's steps say that. */
const NOT_WITH_SCENARIO: ReadonlyArray<[string, string]> = [
  ['message', '--message'],
  ['messageFile', '--message-file'],
  ['size', '--size'],
  ['binary', '--binary'],
  ['messages', '--messages'],
  ['rate', '--rate'],
  ['rateScope', '--rate-scope'],
  ['inFlight', '--in-flight'],
];

/** The scenario flags, or undefined without --scenario (then they are errors). `url`: the one given, if any. */
export function readScenarioFlags(raw: RawOptions, url: string | undefined): LoadScenario | undefined {
  const file = raw['scenario'] as string | undefined;
  const iterations = raw['iterations'] as number | undefined;
  const envName = raw['env'] as string | undefined;
  const grep = raw['grep'] as string | undefined;
  if (file === undefined) {
    const stray = [iterations !== undefined && '--iterations', envName !== undefined && '--env', grep !== undefined && '--grep'].find(Boolean);
    if (stray) throw new UsageError(`${stray} goes with --scenario FILE`);
    return undefined;
  }
  const conflict = NOT_WITH_SCENARIO.find(([name]) => raw[name] !== undefined);
  if (conflict) throw new UsageError(`--scenario runs the file's steps: use it without ${conflict[1]}`);
  if (iterations !== undefined && raw['duration'] !== undefined) throw new UsageError('use either --duration or --iterations, not both');
  if (grep !== undefined) {
    try {
      new RegExp(grep);
    } catch (error) {
      throw new UsageError(`--grep '${grep}' is not a regular expression: ${(error as Error).message}`);
    }
  }
  return {
    file,
    envName: envName ?? 'default',
    ...(grep !== undefined && { grep }),
    ...(iterations !== undefined && { iterations }),
    ...(url !== undefined && { target: url }),
  };
}

/**
 * Read and check the file as each worker will: undefined when it is good, else the one line to
 * print (exit 12). A missing environment or a --grep that selects nothing is a usage error.
 */
export async function checkScenarioFile(scenario: LoadScenario): Promise<string | undefined> {
  // Loaded only for --scenario: YAML, JSON Schema and the steps cost other load runs nothing.
  const { environmentOf, EnvironmentError, loadScenarioFile, ScenarioFileError } = await import('../../scenario/index.js');
  let file: ReturnType<typeof loadScenarioFile>;
  try {
    file = loadScenarioFile(scenario.file);
  } catch (error) {
    if (error instanceof ScenarioFileError) return error.message;
    throw error;
  }
  try {
    environmentOf(file, scenario.envName);
  } catch (error) {
    if (error instanceof EnvironmentError) throw new UsageError(`--env ${scenario.envName}: ${error.message}`);
    throw error;
  }
  if (file.scenarios.length === 0) return `${scenario.file}: the file holds no scenarios (scenarios: is empty or absent)`;
  const grep = scenario.grep === undefined ? undefined : new RegExp(scenario.grep);
  if (grep && !file.scenarios.some((spec) => grep.test(spec.name)))
    throw new UsageError(`--grep ${scenario.grep} matches no scenario of ${scenario.file} (${file.scenarios.map((spec) => spec.name).join(', ')})`);
  return undefined;
}
