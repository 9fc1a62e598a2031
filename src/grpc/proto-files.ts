/**
 * Descriptor sources read from disk: `.proto` files (found as given, or in the import paths, as
 * protoc's `-I` does) and protoset files (a serialized FileDescriptorSet, as
 * `protoc --descriptor_set_out=FILE --include_imports` writes).
 */
import type { Buffer } from 'node:buffer';
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import protobuf from 'protobufjs';
import { descriptorsFromFileDescriptorSet, descriptorsFromRoot, type GrpcDescriptors, messageOf } from './descriptors.js';
import { GrpcSchemaError } from './errors.js';

export interface ProtoFileOptions {
  /** Directories imports (and the files themselves) are looked up in, in order. */
  importPaths?: readonly string[];
}

/** Read and resolve `.proto` files and everything they import. */
export function loadProtoFiles(files: readonly string[], options: ProtoFileOptions = {}): GrpcDescriptors {
  const importPaths = (options.importPaths ?? []).map((path) => resolve(path));
  const source = files.map((file) => `--proto ${file}`).join(' ');
  const root = new protobuf.Root();
  const missing: string[] = [];
  root.resolvePath = (origin, target) => {
    const found = findProto(target, origin === '' ? [] : [dirname(origin)], importPaths);
    if (found !== undefined) return found;
    // protobufjs bundles google/protobuf/*.proto; an unresolved name lets it use its own copy.
    if (/^google\/protobuf\//.test(target)) return target;
    missing.push(origin === '' ? target : `${target} (imported by ${origin})`);
    return target;
  };
  const roots = files.map((file) => {
    const found = findProto(file, [], importPaths);
    if (found === undefined) throw new GrpcSchemaError(`cannot read ${file}: ${notFoundText(importPaths)}`);
    return found;
  });
  try {
    root.loadSync(roots, { keepCase: true });
    root.resolveAll();
  } catch (error) {
    const first = missing[0];
    if (first !== undefined) throw new GrpcSchemaError(`cannot read ${first}: ${notFoundText(importPaths)}`);
    throw new GrpcSchemaError(`${source}: ${messageOf(error).replace(/^ENOENT: /, '')}`);
  }
  return descriptorsFromRoot(root, source);
}

/** Read a protoset file. */
export function loadProtoset(file: string): GrpcDescriptors {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new GrpcSchemaError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : messageOf(error)}`);
  }
  return descriptorsFromFileDescriptorSet(bytes, `--protoset ${file}`);
}

function findProto(target: string, nearby: readonly string[], importPaths: readonly string[]): string | undefined {
  if (isAbsolute(target)) return readable(target) ? target : undefined;
  // protoc: a name is relative to an import path; without import paths, to the working directory.
  const candidates = [...importPaths.map((dir) => join(dir, target)), ...nearby.map((dir) => join(dir, target))];
  if (importPaths.length === 0) candidates.push(resolve(target));
  return candidates.find(readable);
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function notFoundText(importPaths: readonly string[]): string {
  return importPaths.length === 0 ? 'no such file' : `not found in ${importPaths.join(', ')}`;
}
