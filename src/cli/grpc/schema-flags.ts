/**
 * Where a gRPC command finds its schema: `--proto FILE` (repeatable) with `--import-path DIR`,
 * or `--protoset FILE`; with neither, the server's reflection service. `grpc serve` reuses the
 * group.
 */
import { type Command, Option } from 'commander';
import { collect, type RawOptions } from '../flags.js';
import { UsageError } from '../usage-error.js';

export interface SchemaSettings {
  protos: string[];
  importPaths: string[];
  protoset?: string;
}

export const schemaFlags = {
  add(command: Command): void {
    const group = 'Schema (default: the server’s reflection service):';
    command.addOption(new Option('--proto <file>', 'a .proto file; repeat for several').argParser(collect).helpGroup(group));
    command.addOption(new Option('-I, --import-path <dir>', 'a directory imports are found in; repeat for several').argParser(collect).helpGroup(group));
    command.addOption(new Option('--protoset <file>', 'a FileDescriptorSet file (protoc --descriptor_set_out=FILE --include_imports)').helpGroup(group));
  },
  read(raw: RawOptions): SchemaSettings {
    const protos = (raw['proto'] as string[] | undefined) ?? [];
    const importPaths = (raw['importPath'] as string[] | undefined) ?? [];
    const protoset = raw['protoset'] as string | undefined;
    if (protoset !== undefined && protos.length > 0) throw new UsageError('--proto and --protoset cannot be used together');
    if (importPaths.length > 0 && protos.length === 0) throw new UsageError('--import-path needs --proto');
    return protoset === undefined ? { protos, importPaths } : { protos, importPaths, protoset };
  },
};

/** Whether the schema comes from files (so no server needs to be asked). */
export function schemaFromFiles(settings: SchemaSettings): boolean {
  return settings.protos.length > 0 || settings.protoset !== undefined;
}
