/** `wscope grpc serve --proto FILE --port P [--mocks FILE]`: a mock gRPC server answering every method of the protos. */
import { Option } from 'commander';
import { type InspectSettings, inspectFlags, type RawOptions, type RecordingSettings, recordingFlags } from '../flags.js';
import { withInspector } from '../inspecting.js';
import { schemaFlags, type SchemaSettings } from '../grpc/schema-flags.js';
import { withGrpcErrors } from '../grpc/with-grpc-errors.js';
import { examples } from '../help-text.js';
import { withRecording } from '../recording.js';
import { UsageError } from '../usage-error.js';
import { parsePort } from './listen.js';
import type { Subcommand } from './subcommand.js';

export interface GrpcServeSettings {
  schema: SchemaSettings;
  port: number;
  host: string;
  mocks?: string;
  /** Serve TLS with this certificate and key (PEM files); plaintext without. */
  tls?: { cert: string; key: string };
  recording: RecordingSettings;
  inspect: InspectSettings;
}

const SERVE_HELP = `
${examples([
  ['wscope grpc serve --proto api.proto --port 50051', 'every method answers with generated messages (every field filled)'],
  ['wscope grpc serve --proto api.proto -I protos --port 50051 --mocks mocks.yaml', 'answers from fixtures where the file has them'],
  ['wscope grpc serve --protoset api.protoset --port 0 --record calls.jsonl', 'any free port; every call recorded as trace events'],
])}

A --mocks file (YAML or JSON) gives fixtures by method; a method's rule (or list of rules, the
first whose match holds answering) is a response, a list of responses (streams), and/or a status
to end with, with an optional delay before each reply:

  methods:
    shop.v1.Orders/Get:
      - match: { id: "42" }
        response: { id: "42", total: 9.5 }
      - status: { code: NOT_FOUND, message: "no such order" }
    shop.v1.Orders/Watch:
      responses: [{ id: "1" }, { id: "2" }]
      delay: 100ms

Server reflection (grpc.reflection.v1 and v1alpha) is on, so 'wscope grpc list HOST:PORT' works.
Each call is logged on stderr when it ends: its method, status and message counts.
See docs/grpc-mock.md.`;

export const grpcServeCommand: Subcommand = {
  name: 'serve',
  summary: 'a mock gRPC server for a set of protos: fixtures or generated replies, reflection on',
  define(command, schedule) {
    command
      .description('A mock gRPC server answering every method of the protos from --mocks fixtures or with generated messages.')
      .usage('--proto <file> --port <port> [options]');
    schemaFlags.add(command);
    const group = 'Serving:';
    command.addOption(new Option('-p, --port <port>', 'the port (0: any free port)').argParser(parsePort).default(50051).helpGroup(group));
    command.addOption(new Option('--host <host>', 'the address to listen on').default('127.0.0.1').helpGroup(group));
    command.addOption(new Option('--mocks <file>', 'fixtures by method (YAML or JSON)').helpGroup(group));
    command.addOption(new Option('--cert <file>', 'serve TLS with this certificate (PEM; with --key)').helpGroup(group));
    command.addOption(new Option('--key <file>', "the certificate's private key (PEM)").helpGroup(group));
    recordingFlags.add(command);
    inspectFlags.add(command);
    command.addHelpText('after', SERVE_HELP);
    command.action((raw: RawOptions) =>
      schedule(() => {
        const settings = readSettings(raw);
        // --inspect: every call shows on the page as it is made.
        return withInspector(settings.inspect, `grpc serve :${settings.port}`, (choice) =>
          withRecording(
            settings.recording,
            () =>
              withGrpcErrors(undefined, async () => {
                // Loaded when the command runs: grpc-js and protobufjs would add to every other command's start-up.
                const { runGrpcServe } = await import('../grpc-serve-mode.js');
                return runGrpcServe(settings);
              }),
            choice,
          ),
        );
      }),
    );
  },
};

function readSettings(raw: RawOptions): GrpcServeSettings {
  const schema = schemaFlags.read(raw);
  if (schema.protos.length === 0 && schema.protoset === undefined)
    throw new UsageError('grpc serve needs the schema it serves: --proto FILE or --protoset FILE');
  const recording = readGrpcRecording(raw);
  const cert = raw['cert'] as string | undefined;
  const key = raw['key'] as string | undefined;
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--cert and --key go together');
  const mocks = raw['mocks'] as string | undefined;
  return {
    schema,
    port: raw['port'] as number,
    host: raw['host'] as string,
    ...(mocks !== undefined && { mocks }),
    ...(cert !== undefined && key !== undefined && { tls: { cert, key } }),
    recording,
    inspect: inspectFlags.read(raw),
  };
}

/** --record for a gRPC command: JSONL only, as HAR has no shape for a gRPC call. */
export function readGrpcRecording(raw: RawOptions): RecordingSettings {
  const recording = recordingFlags.read(raw);
  const har = recording.files.find((file) => file.toLowerCase().endsWith('.har'));
  if (har !== undefined) throw new UsageError(`--record '${har}': HAR has no shape for gRPC calls; record to a .jsonl file (trace events)`);
  return recording;
}
