/**
 * The one form every descriptor source hands back (`--proto` files, a `--protoset`, server
 * reflection), so listing, describing, calling and serving never ask where the schema came from.
 *
 * A `GrpcDescriptors` holds both views of the same schema:
 * - `root`, a resolved protobufjs Root: what encodes and decodes messages, and what `describe`
 *   walks. Field names are kept as written in the .proto (`keepCase`, as a FileDescriptorProto
 *   holds them); the proto3 JSON names are derived from them by ./json-names.ts.
 * - `files`, the same schema as serialized FileDescriptorProtos, each dependency before the
 *   files that import it: what a reflection server answers with and what a protoset file holds.
 *   From a protoset or reflection these are the bytes as received; from .proto files protobufjs
 *   writes them (one file per package, so file names are protobufjs's, not the source's).
 */
import { Buffer } from 'node:buffer';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { GrpcSchemaError } from './errors.js';

export interface GrpcDescriptors {
  root: protobuf.Root;
  files: Uint8Array[];
  /** Where the schema came from, for messages: `--proto api.proto`, `reflection (127.0.0.1:50051)`. */
  source: string;
}

/** The schema from serialized FileDescriptorProtos (a protoset's `file` list, or reflection's answers). */
export function descriptorsFromFiles(files: readonly Uint8Array[], source: string): GrpcDescriptors {
  const ordered = dependenciesFirst(files.map((bytes) => ({ bytes, proto: decodeFile(bytes, source) })));
  const set = descriptor.FileDescriptorSet.fromObject({ file: ordered.map((file) => file.proto) });
  let root: protobuf.Root;
  try {
    root = (protobuf.Root as unknown as { fromDescriptor(set: protobuf.Message): protobuf.Root }).fromDescriptor(set);
    restoreMapFields(root, mapEntriesOf(ordered.map((file) => file.proto as DescriptorFile)));
    root.resolveAll();
  } catch (error) {
    throw new GrpcSchemaError(`${source}: ${messageOf(error)}`);
  }
  return { root, files: ordered.map((file) => file.bytes), source };
}

/** The schema from a serialized FileDescriptorSet (`protoc --descriptor_set_out=FILE --include_imports`). */
export function descriptorsFromFileDescriptorSet(bytes: Uint8Array, source: string): GrpcDescriptors {
  let set: { file?: unknown[] };
  try {
    set = descriptor.FileDescriptorSet.decode(bytes) as unknown as { file?: unknown[] };
  } catch (error) {
    throw new GrpcSchemaError(`${source}: not a FileDescriptorSet (${messageOf(error)})`);
  }
  const files = (set.file ?? []).map((file) => descriptor.FileDescriptorProto.encode(file as protobuf.Message).finish());
  if (files.length === 0) throw new GrpcSchemaError(`${source}: the FileDescriptorSet holds no files`);
  return descriptorsFromFiles(files, source);
}

/** The schema from a resolved protobufjs Root (loaded from .proto text). */
export function descriptorsFromRoot(root: protobuf.Root, source: string): GrpcDescriptors {
  root.resolveAll();
  const set = (root as unknown as { toDescriptor(syntax: string): { file: protobuf.Message[] } }).toDescriptor('proto3');
  const files = set.file.map((file) => descriptor.FileDescriptorProto.encode(file).finish());
  return { root, files: dependenciesFirst(files.map((bytes) => ({ bytes, proto: decodeFile(bytes, source) }))).map((f) => f.bytes), source };
}

/** The schema as one serialized FileDescriptorSet, as a `--protoset` file holds it. */
export function fileDescriptorSetOf(descriptors: GrpcDescriptors): Uint8Array {
  const files = descriptors.files.map((bytes) => descriptor.FileDescriptorProto.decode(bytes));
  return descriptor.FileDescriptorSet.encode(descriptor.FileDescriptorSet.fromObject({ file: files })).finish();
}

/**
 * The schema as @grpc/proto-loader's PackageDefinition: what `grpc.Server.addService` and
 * @grpc/reflection's `ReflectionService` take. `options` are proto-loader's (how the handlers
 * see messages); names are kept as in the .proto.
 */
export function packageDefinitionOf(descriptors: GrpcDescriptors, options: protoLoader.Options = {}): protoLoader.PackageDefinition {
  return protoLoader.loadFileDescriptorSetFromBuffer(Buffer.from(fileDescriptorSetOf(descriptors)), { keepCase: true, ...options });
}

interface DescriptorField {
  name: string;
  number: number;
  type: number;
  typeName?: string;
}
interface DescriptorMessage {
  name: string;
  field?: DescriptorField[];
  nestedType?: DescriptorMessage[];
  options?: { mapEntry?: boolean };
}
interface DescriptorFile {
  package?: string;
  messageType?: DescriptorMessage[];
}

/** FieldDescriptorProto.Type's numbers (descriptor.proto) → protobufjs's scalar type names. */
const SCALAR_TYPES: Record<number, string> = {
  1: 'double',
  2: 'float',
  3: 'int64',
  4: 'uint64',
  5: 'int32',
  6: 'fixed64',
  7: 'fixed32',
  8: 'bool',
  9: 'string',
  12: 'bytes',
  13: 'uint32',
  15: 'sfixed32',
  16: 'sfixed64',
  17: 'sint32',
  18: 'sint64',
};

/** Every map entry message (`.pkg.Message.CountsEntry`), with its key type and value type. */
function mapEntriesOf(files: DescriptorFile[]): Map<string, { key: string; value: string }> {
  const entries = new Map<string, { key: string; value: string }>();
  const visit = (message: DescriptorMessage, prefix: string) => {
    const name = `${prefix}.${message.name}`;
    if (message.options?.mapEntry) {
      const key = message.field?.find((field) => field.number === 1);
      const value = message.field?.find((field) => field.number === 2);
      if (key && value) entries.set(name, { key: SCALAR_TYPES[key.type] ?? 'string', value: value.typeName || (SCALAR_TYPES[value.type] ?? 'bytes') });
    }
    for (const nested of message.nestedType ?? []) visit(nested, name);
  };
  for (const file of files) for (const message of file.messageType ?? []) visit(message, file.package ? `.${file.package}` : '');
  return entries;
}

/**
 * protobufjs's Root.fromDescriptor reads a map field as `repeated CountsEntry` and sets
 * `map_entry` on the message that holds it; put back the MapField a .proto's `map<K, V>` makes,
 * so maps encode, decode and print as maps whatever the schema's source.
 */
function restoreMapFields(root: protobuf.Root, entries: Map<string, { key: string; value: string }>): void {
  const visit = (namespace: protobuf.NamespaceBase) => {
    if (namespace instanceof protobuf.Type) {
      if (namespace.options?.['map_entry'] === true) delete namespace.options['map_entry'];
      const order = namespace.fieldsArray.map((field) => field.name);
      const replaced: protobuf.MapField[] = [];
      for (const field of [...namespace.fieldsArray]) {
        const entryName = field.repeated ? scopedName(namespace, field.type, entries) : undefined;
        const entry = entryName === undefined ? undefined : entries.get(entryName);
        if (!entry) continue;
        namespace.remove(field);
        const map = new protobuf.MapField(field.name, field.id, entry.key, entry.value);
        namespace.add(map);
        replaced.push(map);
        const entryType = namespace.nested?.[field.type.slice(field.type.lastIndexOf('.') + 1)];
        if (entryType) namespace.remove(entryType);
      }
      if (replaced.length > 0) keepFieldOrder(namespace, order);
      // resolveAll() passes over a type it has resolved before; a field added since is resolved here.
      for (const map of replaced) map.resolve();
    }
    for (const nested of namespace.nestedArray) if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested);
  };
  visit(root);
}

/** Put a type's fields back in declaration order (a field added anew goes last), which `describe` and `--template` show. */
function keepFieldOrder(type: protobuf.Type, order: readonly string[]): void {
  const fields = type.fields;
  for (const name of order) {
    const field = fields[name];
    if (!field) continue;
    delete fields[name];
    fields[name] = field;
  }
  // protobufjs caches the field list; clearing it is what its own add() and remove() do.
  Object.assign(type as unknown as Record<string, unknown>, { _fieldsArray: null, _fieldsById: null });
}

/** A type reference's full name, found as protoc finds it: absolute (`.a.B`), else in the innermost enclosing scope that has it. */
function scopedName(scope: protobuf.NamespaceBase, reference: string, known: Map<string, unknown>): string | undefined {
  if (reference.startsWith('.')) return reference;
  for (let at: protobuf.NamespaceBase | null = scope; at; at = at.parent) {
    const candidate = `${at.fullName}.${reference}`;
    if (known.has(candidate)) return candidate;
  }
  return undefined;
}

interface DecodedFile {
  bytes: Uint8Array;
  proto: { name?: string; dependency?: string[] };
}

function decodeFile(bytes: Uint8Array, source: string): DecodedFile['proto'] {
  try {
    return descriptor.FileDescriptorProto.decode(bytes) as unknown as DecodedFile['proto'];
  } catch (error) {
    throw new GrpcSchemaError(`${source}: a file descriptor does not decode (${messageOf(error)})`);
  }
}

/** Each file after the files it imports (protobufjs resolves a file's types against those already read). */
function dependenciesFirst(files: DecodedFile[]): DecodedFile[] {
  const byName = new Map(files.map((file) => [file.proto.name ?? '', file]));
  const ordered: DecodedFile[] = [];
  const seen = new Set<DecodedFile>();
  const visit = (file: DecodedFile): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dependency of file.proto.dependency ?? []) {
      const imported = byName.get(dependency);
      if (imported) visit(imported);
    }
    ordered.push(file);
  };
  for (const file of files) visit(file);
  return ordered;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
