/** `wscope run FILE...`: the scenarios of `*.wscope.yaml` files, at a desk or in CI. */
import { type Command, Option } from 'commander';
import { STEP_KIND_NAMES } from '../../scenario/steps/names.js';
import { ExitCode } from '../exit-codes.js';
import { type InspectSettings, inspectFlags, integer, type RawOptions, recordingFlags, type RecordingSettings, seconds, variableFlag } from '../flags.js';
import { withInspector } from '../inspecting.js';
import { EXIT_CODES_HELP, examples } from '../help-text.js';
import { withRecording } from '../recording.js';
import { UsageError } from '../usage-error.js';
import type { Subcommand } from './subcommand.js';

export type Reporter = 'pretty' | 'junit' | 'json';

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

const RUN_HELP = `
${examples([
  ['wscope run api.wscope.yaml', 'run every scenario; each step with ✓/✗ and its time'],
  ['wscope run *.wscope.yaml --env staging --var user=bob', 'another environment, one variable set'],
  ['wscope run api.wscope.yaml --reporter junit --output report.xml', 'JUnit XML for CI (the steps still print)'],
  ["wscope run api.wscope.yaml --grep 'login' --bail --parallel 4", 'some scenarios, four at a time, stop at a failure'],
  ['wscope run api.wscope.yaml --record failed.har', 'every connection recorded, to open in the inspector'],
  ['wscope run --print-schema > wscope.schema.json', 'the JSON Schema for editors'],
])}

Steps: ${STEP_KIND_NAMES.join(', ')}.
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
        // The scenario room (YAML, JSON Schema, matchers) loads only when a run or the schema is asked for.
        const { editorSchema, runFromSettings } = await import('../run-mode.js');
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
