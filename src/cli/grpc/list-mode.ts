/**
 * `wscope grpc list [HOST:PORT] [SERVICE]`: the services, or one service's methods, one full
 * name a line (as grpcurl prints them); `wscope grpc describe [HOST:PORT] [SYMBOL]`: .proto text.
 */
import { describeSymbol, findService, fullName, listMethods, listServices } from '../../grpc/index.js';
import { ExitCode } from '../exit-codes.js';
import type { GrpcConnectionSettings } from './connection-flags.js';
import type { SchemaSettings } from './schema-flags.js';
import { loadSchema, loadSchemaFiles, reflectionClient } from './schema-source.js';

export async function listServicesOf(
  schema: SchemaSettings,
  target: string | undefined,
  connection: GrpcConnectionSettings,
  service: string | undefined,
  write: (line: string) => void,
): Promise<ExitCode> {
  const fromFiles = schema.protos.length > 0 || schema.protoset !== undefined;
  if (service === undefined) {
    if (fromFiles) for (const found of listServices(loadSchemaFiles(schema).root)) write(fullName(found));
    else if (target !== undefined) {
      // Reflection's own list: no file needs fetching to name the services.
      const client = reflectionClient(target, connection);
      try {
        for (const name of (await client.listServices()).sort()) write(name);
      } finally {
        client.closeChannel();
      }
    }
    return ExitCode.Normal;
  }
  const descriptors = await loadSchema(schema, target, connection, [service]);
  for (const method of listMethods(findService(descriptors.root, service))) write(fullName(method));
  return ExitCode.Normal;
}

export async function describeFrom(
  schema: SchemaSettings,
  target: string | undefined,
  connection: GrpcConnectionSettings,
  symbol: string | undefined,
  write: (text: string) => void,
): Promise<ExitCode> {
  const descriptors = await loadSchema(schema, target, connection, symbol === undefined ? undefined : [symbol]);
  write(describeSymbol(descriptors.root, symbol));
  return ExitCode.Normal;
}
