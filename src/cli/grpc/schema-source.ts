/** The schema a gRPC command works on, from the files its flags name (or, without any, the server's reflection). */
import { type GrpcDescriptors, GrpcSchemaError, loadProtoFiles, loadProtoset } from '../../grpc/index.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';
import type { SchemaSettings } from './schema-flags.js';

export function loadSchemaFiles(settings: SchemaSettings): GrpcDescriptors {
  if (settings.protoset !== undefined) return loadProtoset(settings.protoset);
  if (settings.protos.length > 0) return loadProtoFiles(settings.protos, { importPaths: settings.importPaths });
  throw new UsageError('no schema: give --proto FILE or --protoset FILE');
}

/** Run `work`; a schema that cannot be read becomes one line on stderr and exit code 12. */
export async function reportingSchemaErrors(work: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof GrpcSchemaError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return ExitCode.BadFile;
  }
}
