/**
 * `wscope grpc ...`: explore and call gRPC services, as grpcurl does. A parent command whose
 * subcommands each own their options; `GRPC_SUBCOMMANDS` is their table (add a row, as
 * main.ts's SUBCOMMANDS takes one per command).
 */
import { Option } from 'commander';
import { inspectFlags, type RawOptions, recordingFlags } from '../flags.js';
import type { ExitCode } from '../exit-codes.js';
import { type GrpcConnectionSettings, grpcConnectionFlags } from '../grpc/connection-flags.js';
import { withGrpcErrors } from '../grpc/with-grpc-errors.js';
import { type SchemaSettings, schemaFlags, schemaFromFiles } from '../grpc/schema-flags.js';
import { splitOperands } from '../grpc/target.js';
import { ENVIRONMENT_HELP, EXIT_CODES_HELP, examples } from '../help-text.js';
import { withInspector } from '../inspecting.js';
import { UsageError } from '../usage-error.js';
import { withRecording } from '../recording.js';
import { grpcServeCommand, readGrpcRecording } from './grpc-serve.js';
import type { Subcommand } from './subcommand.js';

const SCHEMA_HELP = `Without --proto or --protoset the schema is asked of the server (grpc.reflection.v1, else v1alpha).`;

/** grpc-js names the TLS server after the target, an IP address included, and Node warns about that on stderr. */
function quietDeprecations(): void {
  process.noDeprecation = true;
}

const grpcListCommand: Subcommand = {
  name: 'list',
  summary: 'the services a server (or a schema file) offers, or one service’s methods',
  define(command, schedule) {
    command
      .description('The services, one full name a line; with SERVICE, its methods (package.Service.Method).')
      .argument('[address]', 'the server, HOST:PORT (not needed with --proto or --protoset)')
      .argument('[service]', 'list this service’s methods')
      .usage('[HOST:PORT] [SERVICE] [options]');
    schemaFlags.add(command);
    grpcConnectionFlags.add(command);
    command.addHelpText(
      'after',
      `\n${examples([
        ['wscope grpc list localhost:50051 --plaintext', 'the services the server lists through reflection'],
        ['wscope grpc list api.example.com:443 shop.v1.Orders', 'the methods of one service (TLS)'],
        ['wscope grpc list --proto api.proto -I protos', 'the services a .proto (and what it imports) defines'],
        ['wscope grpc list --protoset api.protoset', 'the same from a FileDescriptorSet file'],
      ])}\n\n${SCHEMA_HELP}`,
    );
    command.action((first: string | undefined, second: string | undefined, raw: RawOptions) =>
      schedule(() =>
        withSchemaOperands(first, second, raw, async (schema, target, connection, service) => {
          const { listServicesOf } = await import('../grpc/list-mode.js');
          return listServicesOf(schema, target, connection, service, (line) => process.stdout.write(`${line}\n`));
        }),
      ),
    );
  },
};

/**
 * `list` and `describe` read the same things: the schema flags, the connection flags, and
 * operands that are `[HOST:PORT] [NAME]` (the address optional when a schema file is given).
 */
function withSchemaOperands(
  first: string | undefined,
  second: string | undefined,
  raw: RawOptions,
  work: (schema: SchemaSettings, target: string | undefined, connection: GrpcConnectionSettings, name: string | undefined) => Promise<ExitCode>,
): Promise<ExitCode> {
  const schema = schemaFlags.read(raw);
  const connection = grpcConnectionFlags.read(raw);
  const operands = [first, second].filter((value): value is string => value !== undefined);
  const { target, rest } = splitOperands(operands, schemaFromFiles(schema), 1);
  quietDeprecations();
  return withGrpcErrors(target, () => work(schema, target, connection, rest[0]));
}

const grpcDescribeCommand: Subcommand = {
  name: 'describe',
  summary: 'a service, method, message or enum as .proto text',
  define(command, schedule) {
    command
      .description('A symbol printed as .proto text, as grpcurl describe does; without SYMBOL, every service.')
      .argument('[address]', 'the server, HOST:PORT (not needed with --proto or --protoset)')
      .argument('[symbol]', 'a full name: package.Service, package.Service.Method, package.Message, package.Enum')
      .usage('[HOST:PORT] [SYMBOL] [options]');
    schemaFlags.add(command);
    grpcConnectionFlags.add(command);
    command.addHelpText(
      'after',
      `\n${examples([
        ['wscope grpc describe localhost:50051 shop.v1.Orders --plaintext', 'the service, each method with its stream kinds'],
        ['wscope grpc describe --proto api.proto shop.v1.Order', 'a message with its fields'],
      ])}\n\n${SCHEMA_HELP}`,
    );
    command.action((first: string | undefined, second: string | undefined, raw: RawOptions) =>
      schedule(() =>
        withSchemaOperands(first, second, raw, async (schema, target, connection, symbol) => {
          const { describeFrom } = await import('../grpc/list-mode.js');
          return describeFrom(schema, target, connection, symbol, (text) => process.stdout.write(text));
        }),
      ),
    );
  },
};

const grpcCallCommand: Subcommand = {
  name: 'call',
  summary: 'call a method with JSON: unary, server, client or bidirectional streaming',
  define(command, schedule) {
    command
      .description('Call a method with proto3 JSON requests; responses are printed as they arrive, then the status.')
      .argument('[address]', 'the server, HOST:PORT (not needed for --template with --proto or --protoset)')
      .argument('[method]', 'package.Service/Method')
      .usage('HOST:PORT package.Service/Method [-d JSON | -d @] [options]');
    const group = 'Call:';
    command.addOption(
      new Option('-d, --data <json>', "the request as JSON; several for a client stream; '@' reads them from stdin as they come").helpGroup(group),
    );
    command.addOption(new Option('--template', 'print an example request with every field, and do not call').helpGroup(group));
    command.addOption(new Option('--emit-defaults', 'print fields that hold their default value too').helpGroup(group));
    command.addOption(new Option('-v, --verbose', 'show the response headers, trailers and status on stderr').helpGroup(group));
    schemaFlags.add(command);
    grpcConnectionFlags.add(command);
    recordingFlags.add(command);
    inspectFlags.add(command);
    command.addHelpText(
      'after',
      `\n${examples([
        ['wscope grpc call localhost:50051 shop.v1.Orders/Get -d \'{"id":"42"}\' --plaintext', 'a unary call; the reply as JSON'],
        ['wscope grpc call api.example.com:443 chat.v1.Chat/Talk -d @ < messages.jsonl', 'bidi: each stdin line is sent as it is read'],
        ['wscope grpc call localhost:50051 shop.v1.Orders/Get --template --plaintext', 'an example request to edit'],
        ["wscope grpc call HOST:PORT pkg.S/M -H 'authorization: Bearer T' --deadline 2", 'metadata and a deadline'],
      ])}

Requests and responses are proto3 JSON: 64-bit integers as strings, enums by name, bytes as
base64, Timestamp as "2024-01-02T03:04:05Z", Duration as "1.5s". In a pipe each response is one
line; at a terminal it is indented. A status other than OK is printed on stderr as
'5 NOT_FOUND: message (meaning)', with grpc-status-details-bin's google.rpc details below it.
${SCHEMA_HELP}

${EXIT_CODES_HELP}

${ENVIRONMENT_HELP}`,
    );
    command.action((first: string | undefined, second: string | undefined, raw: RawOptions) =>
      schedule(() => {
        const schema = schemaFlags.read(raw);
        const connection = grpcConnectionFlags.read(raw);
        const template = raw['template'] === true;
        const operands = [first, second].filter((value): value is string => value !== undefined);
        const { target, rest } = splitOperands(operands, schemaFromFiles(schema) && template, 1);
        const method = rest[0];
        if (method === undefined) throw new UsageError('which method? expected package.Service/Method');
        if (target === undefined && !template) throw new UsageError('a server address HOST:PORT is needed to call');
        const data = raw['data'] as string | undefined;
        if (template && data !== undefined) throw new UsageError('--template prints a request instead of calling: it takes no -d');
        const recording = readGrpcRecording(raw);
        const inspect = inspectFlags.read(raw);
        quietDeprecations();
        // --record: the call's trace events (JSONL); reflection's own calls are not traced. --inspect: the page shows the call live.
        return withInspector(inspect, `grpc call ${target ?? ''} ${method}`, (choice) =>
          withRecording(
            recording,
            () =>
              withGrpcErrors(target, async () => {
                const { loadSchema } = await import('../grpc/schema-source.js');
                const { printTemplate, runCall } = await import('../grpc/call-mode.js');
                const service = method.replace(/^\//, '').replace(/[/.][^/.]*$/, '');
                const descriptors = await loadSchema(schema, target, connection, [service]);
                const out = (text: string) => process.stdout.write(text);
                if (template || target === undefined) return printTemplate(descriptors, method, { out });
                return runCall(
                  {
                    target,
                    method,
                    ...(data === undefined ? {} : { data }),
                    connection,
                    verbose: raw['verbose'] === true,
                    emitDefaults: raw['emitDefaults'] === true,
                  },
                  descriptors,
                  { stdin: process.stdin, out, err: (text) => process.stderr.write(text), pretty: Boolean(process.stdout.isTTY) },
                );
              }),
            choice,
          ),
        );
      }),
    );
  },
};

/** The gRPC subcommands, in the order `wscope grpc --help` lists them. */
export const GRPC_SUBCOMMANDS: readonly Subcommand[] = [grpcListCommand, grpcDescribeCommand, grpcCallCommand, grpcServeCommand];

export const grpcCommand: Subcommand = {
  name: 'grpc',
  summary: 'list, describe and call gRPC services (reflection, .proto or protoset)',
  define(command, schedule) {
    command.description('gRPC: discover services through server reflection or schema files, and call them with JSON.').usage('<command> [options]');
    for (const subcommand of GRPC_SUBCOMMANDS) {
      const child = command.command(subcommand.name).summary(subcommand.summary).showHelpAfterError(`(run 'wscope grpc ${subcommand.name} --help' for usage)`);
      subcommand.define(child, schedule);
    }
  },
};
