/**
 * `wscope grpc ...`: explore and call gRPC services, as grpcurl does. A parent command whose
 * subcommands each own their options; `GRPC_SUBCOMMANDS` is their table (add a row, as
 * main.ts's SUBCOMMANDS takes one per command).
 */
import { examples } from '../help-text.js';
import { schemaFlags, schemaFromFiles } from '../grpc/schema-flags.js';
import { reportingSchemaErrors } from '../grpc/schema-source.js';
import { splitOperands } from '../grpc/target.js';
import type { RawOptions } from '../flags.js';
import { grpcServeCommand } from './grpc-serve.js';
import type { Subcommand } from './subcommand.js';

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
    command.addHelpText(
      'after',
      `\n${examples([
        ['wscope grpc list --proto api.proto', 'the services api.proto (and what it imports) defines'],
        ['wscope grpc list --proto api.proto shop.v1.Orders', 'the methods of one service'],
        ['wscope grpc list --protoset api.protoset', 'the same from a FileDescriptorSet file'],
      ])}`,
    );
    command.action((first: string | undefined, second: string | undefined, raw: RawOptions) =>
      schedule(() => {
        const schema = schemaFlags.read(raw);
        const operands = [first, second].filter((value): value is string => value !== undefined);
        const { rest } = splitOperands(operands, schemaFromFiles(schema), 1);
        return reportingSchemaErrors(async () => {
          const { loadSchemaFiles } = await import('../grpc/schema-source.js');
          const { listSchema } = await import('../grpc/list-mode.js');
          return listSchema(loadSchemaFiles(schema), rest[0], (line) => process.stdout.write(`${line}\n`));
        });
      }),
    );
  },
};

/** The gRPC subcommands, in the order `wscope grpc --help` lists them. */
export const GRPC_SUBCOMMANDS: readonly Subcommand[] = [grpcListCommand, grpcServeCommand];

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
