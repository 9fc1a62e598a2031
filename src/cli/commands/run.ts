/** `wscope run FILE...`: the scenarios of `*.wscope.yaml` files, at a desk or in CI. */
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import {
  EnvironmentError,
  editorSchema,
  loadScenarioFile,
  type RunResult,
  runFiles,
  type ScenarioFile,
  ScenarioFileError,
  stepKindNames,
} from '../../scenario/index.js';
import { ExitCode } from '../exit-codes.js';
import { type InspectSettings, inspectFlags, integer, type RawOptions, recordingFlags, type RecordingSettings, seconds, variableFlag } from '../flags.js';
import { withInspector } from '../inspecting.js';
import { EXIT_CODES_HELP, examples } from '../help-text.js';
import { formatJson } from '../run-report/json.js';
import { formatJunit } from '../run-report/junit.js';
import { formatFileHeader, formatScenario, formatSummary } from '../run-report/pretty.js';
import { withRecording } from '../recording.js';
import { colorWanted, palette } from '../terminal/colors.js';
import { UsageError } from '../usage-error.js';
import type { Subcommand } from './subcommand.js';

type Reporter = 'pretty' | 'junit' | 'json';

export interface RunSettings {
  files: string[];
  envName: string;
  vars: Record<string, string>;
  grep?: RegExp;
  bail: boolean;
  reporter: Reporter;
  output?: string;
  parallel: number;
  timeoutMs: number;
  color: boolean;
  /** --record FILE: every connection of every scenario, to a HAR or JSONL file (the inspector opens them). */
  recording: RecordingSettings;
  /** --inspect [PORT], --open: the inspector page over every scenario's connections, while the run lasts. */
  inspect: InspectSettings;
}

export function readRunSettings(files: string[], raw: RawOptions): RunSettings {
  const grep = raw['grep'] as string | undefined;
  let pattern: RegExp | undefined;
  if (grep !== undefined) {
    try {
      pattern = new RegExp(grep);
    } catch (error) {
      throw new UsageError(`--grep '${grep}' is not a regular expression: ${(error as Error).message}`);
    }
  }
  if (files.length === 0) throw new UsageError('name at least one scenario file: wscope run FILE...');
  return {
    files,
    envName: (raw['env'] as string | undefined) ?? 'default',
    vars: (raw['var'] as Record<string, string> | undefined) ?? {},
    ...(pattern && { grep: pattern }),
    bail: (raw['bail'] as boolean | undefined) ?? false,
    reporter: (raw['reporter'] as Reporter | undefined) ?? 'pretty',
    ...(raw['output'] !== undefined && { output: raw['output'] as string }),
    parallel: (raw['parallel'] as number | undefined) ?? 1,
    timeoutMs: ((raw['timeout'] as number | undefined) ?? 5) * 1000,
    color: (raw['color'] as boolean | undefined) ?? true,
    recording: recordingFlags.read(raw),
    inspect: inspectFlags.read(raw),
  };
}

/** Load every file first: one bad file stops the run before anything connects. */
function loadAll(paths: string[]): ScenarioFile[] | ScenarioFileError {
  const files: ScenarioFile[] = [];
  for (const path of paths) {
    try {
      files.push(loadScenarioFile(path));
    } catch (error) {
      if (error instanceof ScenarioFileError) return error;
      throw error;
    }
  }
  return files;
}

export async function runFromSettings(settings: RunSettings): Promise<ExitCode> {
  const loaded = loadAll(settings.files);
  if (loaded instanceof ScenarioFileError) {
    process.stderr.write(`error: ${loaded.message}\n`);
    return ExitCode.BadFile;
  }
  const selected = loaded.reduce((sum, file) => sum + file.scenarios.filter((scenario) => !settings.grep || settings.grep.test(scenario.name)).length, 0);
  if (selected === 0) throw new UsageError(settings.grep ? `--grep ${settings.grep.source} matches no scenario` : 'the files hold no scenarios');
  // The people's report goes to the terminal as scenarios end; a machine's report to --output (or stdout).
  const live = settings.reporter === 'pretty' ? settings.output === undefined : settings.output !== undefined;
  const colors = palette(live && colorWanted(settings.color, Boolean(process.stdout.isTTY)));
  let lastFile: string | undefined;
  let result: RunResult;
  try {
    result = await runFiles(loaded, {
      envName: settings.envName,
      vars: settings.vars,
      ...(settings.grep && { grep: settings.grep }),
      bail: settings.bail,
      parallel: settings.parallel,
      defaultTimeoutMs: settings.timeoutMs,
      onScenarioEnd: (scenario) => {
        if (!live) return;
        if (scenario.file !== lastFile) process.stdout.write(`${lastFile === undefined ? '' : '\n'}${formatFileHeader(scenario.file, colors)}`);
        lastFile = scenario.file;
        process.stdout.write(formatScenario(scenario, colors));
      },
    });
  } catch (error) {
    if (error instanceof EnvironmentError) throw new UsageError(`--env ${settings.envName}: ${error.message}`);
    throw error;
  }
  if (live) process.stdout.write(formatSummary(result, colors));
  const report = reportOf(settings.reporter, result);
  if (settings.output !== undefined) {
    try {
      writeFileSync(settings.output, report);
    } catch (error) {
      process.stderr.write(`error: cannot write ${settings.output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      return ExitCode.Internal;
    }
  } else if (!live) {
    process.stdout.write(report);
  }
  return exitCodeOf(result);
}

function reportOf(reporter: Reporter, result: RunResult): string {
  if (reporter === 'junit') return formatJunit(result);
  if (reporter === 'json') return formatJson(result);
  return formatSummary(result, palette(false));
}

function exitCodeOf(result: RunResult): ExitCode {
  const failures = result.files.flatMap((file) => file.scenarios).filter((scenario) => scenario.status === 'failed');
  if (failures.length === 0) return ExitCode.Normal;
  // A scenario that failed because the file is wrong (a missing variable) is a bad file, not a server's fault.
  return failures.some((scenario) => scenario.failure?.fileError) ? ExitCode.BadFile : ExitCode.CheckFailed;
}

const RUN_HELP = `
${examples([
  ['wscope run api.wscope.yaml', 'run every scenario; each step with ✓/✗ and its time'],
  ['wscope run *.wscope.yaml --env staging --var user=bob', 'another environment, one variable set'],
  ['wscope run api.wscope.yaml --reporter junit --output report.xml', 'JUnit XML for CI (the steps still print)'],
  ["wscope run api.wscope.yaml --grep 'login' --bail --parallel 4", 'some scenarios, four at a time, stop at a failure'],
  ['wscope run api.wscope.yaml --record failed.har', 'every connection recorded, to open in the inspector'],
  ['wscope run --print-schema > wscope.schema.json', 'the JSON Schema for editors'],
])}

Steps: ${stepKindNames().join(', ')}.
Variables: {{name}} from env:, --var, captures; {{$uuid}}, {{$timestamp}}, {{$randomInt}}, {{$seq}}, {{$env.NAME}}.

${EXIT_CODES_HELP}`;

export const runCommand: Subcommand = {
  name: 'run',
  summary: 'run the scenarios of *.wscope.yaml files (pretty, JUnit or JSON report)',
  define(command: Command, schedule) {
    const add = (option: Option) => command.addOption(option.helpGroup('Running:'));
    command
      .description('Run scenarios: connect, send, expect... as a *.wscope.yaml file says; exit 11 when a check fails.')
      .argument('[files...]', 'scenario files');
    add(new Option('--env <name>', 'the environment of the file (env: NAME)').default('default'));
    add(new Option('--var <name=value>', 'set a variable (above the environment); repeat for several').argParser(variableFlag));
    add(new Option('--grep <pattern>', 'run only the scenarios whose name matches (a regular expression)'));
    add(new Option('--bail', 'start no scenario after one fails'));
    add(new Option('--parallel <n>', 'run up to n scenarios at a time').argParser(integer(1, 256)).default(1));
    add(new Option('--timeout <s>', 'seconds a step waits when the file does not say (within:)').argParser(seconds(false)).default(5));
    add(new Option('--reporter <name>', 'pretty (people), junit (CI), json').choices(['pretty', 'junit', 'json']).default('pretty'));
    add(new Option('-o, --output <file>', 'write the report there (pretty still prints)'));
    add(new Option('--no-color', 'run without color'));
    add(new Option('--print-schema', 'print the JSON Schema of the file format (for editors) and exit'));
    recordingFlags.add(command);
    inspectFlags.add(command);
    command.addHelpText('after', RUN_HELP);
    command.action((files: string[], raw: RawOptions) =>
      schedule(async () => {
        if (raw['printSchema']) {
          process.stdout.write(`${JSON.stringify(editorSchema(), null, 2)}\n`);
          return ExitCode.Normal;
        }
        const settings = readRunSettings(files, raw);
        return withInspector(settings.inspect, `run ${files.join(' ')}`, (choice) =>
          withRecording(settings.recording, () => runFromSettings(settings), choice),
        );
      }),
    );
  },
};
