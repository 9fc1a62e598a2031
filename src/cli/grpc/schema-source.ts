/**
 * The schema a gRPC command works on: from the files its flags name, or, without any, from the
 * server's reflection service; and the one place the room's errors become a line on stderr and
 * an exit code.
 */
import {
  connectionProblem,
  connectionProblemText,
  formatStatus,
  type GrpcDescriptors,
  GrpcJsonError,
  GrpcSchemaError,
  GrpcSymbolError,
  loadProtoFiles,
  loadProtoset,
  openClient,
  ReflectionClient,
  ReflectionError,
  statusMeaning,
} from '../../grpc/index.js';
import { ExitCode, exitCodeForGrpcStatus } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';
import { connectionOptions, type GrpcConnectionSettings } from './connection-flags.js';
import { metadataOf } from './metadata.js';
import type { SchemaSettings } from './schema-flags.js';

export function loadSchemaFiles(settings: SchemaSettings): GrpcDescriptors {
  if (settings.protoset !== undefined) return loadProtoset(settings.protoset);
  if (settings.protos.length > 0) return loadProtoFiles(settings.protos, { importPaths: settings.importPaths });
  throw new UsageError('no schema: give --proto FILE or --protoset FILE');
}

/** A reflection client on its own channel to `target`, sending the call's metadata and deadline. */
export function reflectionClient(target: string, connection: GrpcConnectionSettings): ReflectionClient & { closeChannel(): void } {
  const channel = openClient(connectionOptions(target, connection));
  const options = {
    metadata: metadataOf(connection.metadata),
    ...(connection.deadline === undefined ? {} : { deadline: Date.now() + connection.deadline * 1000 }),
  };
  const client = new ReflectionClient(channel, options);
  return Object.assign(client, {
    closeChannel() {
      client.close();
      channel.close();
    },
  });
}

/** The schema for `symbols` (every service when undefined): from the files, else asked of the server. */
export async function loadSchema(
  schema: SchemaSettings,
  target: string | undefined,
  connection: GrpcConnectionSettings,
  symbols?: readonly string[],
): Promise<GrpcDescriptors> {
  if (schema.protos.length > 0 || schema.protoset !== undefined) return loadSchemaFiles(schema);
  if (target === undefined) throw new UsageError('a server address HOST:PORT is needed (or a schema from --proto FILE or --protoset FILE)');
  const client = reflectionClient(target, connection);
  try {
    return await client.descriptors(symbols);
  } finally {
    client.closeChannel();
  }
}

/** One line on stderr for a connection that was never made; its exit code. */
export function reportConnectionProblem(target: string, code: number, details: string): ExitCode | undefined {
  const problem = connectionProblem(code, details);
  if (problem === undefined) return undefined;
  const what = problem === 'tls' ? 'TLS failed with' : 'cannot connect to';
  const hint = problem === 'tls' ? ' (--plaintext for a server without TLS, --ca FILE or -n for a certificate not trusted here)' : '';
  process.stderr.write(`error: ${what} ${target}: ${connectionProblemText(details)}${hint}\n`);
  return problem === 'tls' ? ExitCode.TlsFailed : ExitCode.ConnectFailed;
}

/**
 * Run a gRPC command's work; the room's errors become one line on stderr: a schema that cannot
 * be read 12, an unknown symbol or a request that is not valid JSON for its type 2, reflection
 * that failed the connection's code (3, 5) or its status's (64 + N).
 */
export async function reportingGrpcErrors(target: string | undefined, work: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof GrpcSchemaError) {
      process.stderr.write(`error: ${error.message}\n`);
      return ExitCode.BadFile;
    }
    if (error instanceof GrpcSymbolError || error instanceof GrpcJsonError) {
      process.stderr.write(`error: ${error.message}\n`);
      return ExitCode.Usage;
    }
    if (error instanceof ReflectionError) {
      const { code, details } = error.status;
      const connection = target === undefined ? undefined : reportConnectionProblem(target, code, details);
      if (connection !== undefined) return connection;
      if (code === 12) {
        process.stderr.write(
          `error: ${target ?? 'the server'} does not offer server reflection (grpc.reflection.v1 or v1alpha): give --proto FILE or --protoset FILE\n`,
        );
      } else {
        process.stderr.write(`error: reflection failed: ${formatStatus(code, details)} (${statusMeaning(code)})\n`);
      }
      return exitCodeForGrpcStatus(code);
    }
    throw error;
  }
}
