/** `wscope mock FILE --port P`: a WebSocket server scripted by the `mock:` section of a `*.wscope.yaml` file. */
import { Option } from 'commander';
import {
  compressionFlags,
  type CompressionSettings,
  type OutputSettings,
  outputFlags,
  type RawOptions,
  type RecordingSettings,
  recordingFlags,
} from '../flags.js';
import { ENVIRONMENT_HELP, EXIT_CODES_HELP, examples } from '../help-text.js';
import { createOutput } from '../output.js';
import { withRecording } from '../recording.js';
import { parsePort } from './listen.js';
import type { Subcommand } from './subcommand.js';

export interface MockSettings {
  file: string;
  port: number;
  host: string;
  /** The file's environment whose variables templates see (`env:`). */
  env: string;
  compression: CompressionSettings;
  output: OutputSettings;
  recording: RecordingSettings;
}

const MOCK_HELP = `
${examples([
  ['wscope mock api.wscope.yaml --port 8765', "serve the file's mock: section on ws://127.0.0.1:8765"],
  ['wscope mock api.wscope.yaml --port 0 --host 0.0.0.0', 'any free port, on every interface'],
  ['wscope mock api.wscope.yaml --record mock.har', 'record every connection as DevTools writes HAR (or .jsonl: trace events)'],
])}

The file is reloaded when it changes: new rules apply to the next message; an edit that does not
load is reported (file:line) and the previous version keeps serving. A path the file does not
name gets 404 at the handshake.

${EXIT_CODES_HELP}

${ENVIRONMENT_HELP}`;

export const mockCommand: Subcommand = {
  name: 'mock',
  summary: 'serve a scripted WebSocket server from a *.wscope.yaml file',
  define(command, schedule) {
    command
      .description(
        'A scripted WebSocket server: greetings, replies to matching messages, pushes, closes and faults, per path, from the mock: section of a file.',
      )
      .argument('<file>', 'the *.wscope.yaml file')
      .usage('<file> --port <port> [options]');
    const group = 'Serving:';
    command.addOption(new Option('-p, --port <port>', 'the port (0: any free port)').argParser(parsePort).default(8765).helpGroup(group));
    command.addOption(new Option('--host <host>', 'the address to listen on').default('127.0.0.1').helpGroup(group));
    command.addOption(new Option('--env <name>', "the file's environment whose variables templates see").default('default').helpGroup(group));
    compressionFlags.add(command, 'server');
    outputFlags.add(command);
    recordingFlags.add(command);
    command.addHelpText('after', MOCK_HELP);
    command.action((file: string, raw: RawOptions) =>
      schedule(() => {
        const settings: MockSettings = {
          file,
          port: raw['port'] as number,
          host: raw['host'] as string,
          env: raw['env'] as string,
          compression: compressionFlags.read(raw),
          output: outputFlags.read(raw),
          recording: recordingFlags.read(raw),
        };
        const interactive = Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY);
        return withRecording(settings.recording, async () => {
          // Loaded when the command runs: the file format (yaml, ajv, the matchers) would add to every other command's start-up.
          const { runMock } = await import('../mock-mode.js');
          return runMock(settings, createOutput(settings.output, interactive));
        });
      }),
    );
  },
};
