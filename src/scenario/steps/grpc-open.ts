/**
 * Opening a `grpc: { call }`: the schema (the .proto files or protoset the step names, relative
 * to the scenario file, else the server's reflection), the channel, and the call on it. The gRPC
 * room and @grpc/grpc-js are imported here, when the first call is made.
 */
import { Buffer } from 'node:buffer';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from '../../templating/index.js';
import { GrpcScenarioCall } from './grpc-calls.js';
import { StepArgsError, type StepContext } from './step-kind.js';

export interface CallSpec {
  method: string;
  target: string;
  plaintext?: boolean;
  authority?: string;
  proto?: string | string[];
  importPath?: string | string[];
  protoset?: string;
  metadata?: Record<string, string | string[]>;
  deadline?: string | number;
  request?: unknown;
}

const listOf = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export async function openCall(spec: CallSpec, name: string, context: StepContext): Promise<GrpcScenarioCall> {
  const room = await import('../../grpc/index.js');
  const grpc = await import('@grpc/grpc-js');
  const fromFile = (path: string) => (isAbsolute(path) ? path : resolve(context.file.baseDir, path));
  const metadata = new grpc.Metadata();
  for (const [key, values] of Object.entries(spec.metadata ?? {})) {
    // A -bin key's value is binary on the wire; the file writes it as base64.
    for (const value of listOf(values)) metadata.add(key.toLowerCase(), key.endsWith('-bin') ? Buffer.from(value, 'base64') : value);
  }
  const deadlineMs = spec.deadline === undefined ? undefined : parseDuration(spec.deadline);
  const client = room.openClient({
    target: spec.target,
    tls: spec.plaintext === true ? false : { checkCertificates: true },
    ...(spec.authority !== undefined && { authority: spec.authority }),
  });
  try {
    const descriptors = await schemaOf(spec, client, metadata, fromFile, context, room);
    const method = methodOf(descriptors, spec.method, room);
    const codec = new room.GrpcJsonCodec([descriptors.root, room.googleRpcRoot()]);
    const call = new room.GrpcCall(client, method, codec, {
      metadata,
      ...(deadlineMs !== undefined && { deadline: Date.now() + deadlineMs }),
    });
    const opened = new GrpcScenarioCall(name, call, () => client.close());
    const oneRequest = !call.clientStreams;
    if (spec.request !== undefined) sendOn(opened, spec.request, ['call', 'request'], room.GrpcJsonError);
    else if (oneRequest) throw new StepArgsError(`${spec.method} is ${call.kind}: it takes one request (request: {...})`, ['call']);
    if (oneRequest) call.end();
    context.note(`${call.path} (${call.kind}) on ${spec.target}, schema from ${descriptors.source}`);
    return opened;
  } catch (error) {
    client.close();
    throw error;
  }
}

function methodOf(descriptors: Awaited<ReturnType<typeof schemaOf>>, name: string, room: Room) {
  try {
    return room.findMethod(descriptors.root, name);
  } catch (error) {
    if (error instanceof room.GrpcSymbolError) throw new StepArgsError(`${descriptors.source}: ${error.message}`, ['call', 'method']);
    throw error;
  }
}

/** Send one request; one that does not fit its type is the file's mistake. */
export function sendOn(call: GrpcScenarioCall, json: unknown, path: string[], jsonError: new (...args: never[]) => Error): void {
  try {
    call.call.send(json);
  } catch (error) {
    if (error instanceof jsonError) throw new StepArgsError(`the request is not a ${call.call.method.requestType}: ${error.message}`, path);
    throw error;
  }
}

type Room = typeof import('../../grpc/index.js');

async function schemaOf(
  spec: CallSpec,
  client: import('@grpc/grpc-js').Client,
  metadata: import('@grpc/grpc-js').Metadata,
  fromFile: (path: string) => string,
  context: StepContext,
  room: Room,
) {
  const protos = listOf(spec.proto);
  try {
    if (spec.protoset !== undefined) return room.loadProtoset(fromFile(spec.protoset));
    // A .proto is found beside the scenario file, else in the import paths (as protoc's -I finds it).
    const files = protos.map((proto) => (existsSync(fromFile(proto)) ? fromFile(proto) : proto));
    if (protos.length > 0) return room.loadProtoFiles(files, { importPaths: listOf(spec.importPath).map(fromFile) });
  } catch (error) {
    if (error instanceof room.GrpcSchemaError) throw new StepArgsError(error.message, ['call', spec.protoset !== undefined ? 'protoset' : 'proto']);
    throw error;
  }
  const service = spec.method.replace(/^\//, '').replace(/\/[^/]*$/, '');
  const reflection = new room.ReflectionClient(client, { metadata });
  try {
    return await reflection.descriptors([service]);
  } catch (error) {
    if (error instanceof room.GrpcSymbolError) throw new StepArgsError(error.message, ['call', 'method']);
    const status = error instanceof room.ReflectionError ? ` (${room.formatStatus(error.status.code, error.status.details)})` : '';
    context.fail(`cannot get the schema of ${service} from ${spec.target} by reflection${status}: give proto: FILE or protoset: FILE if it has no reflection`);
  } finally {
    reflection.close();
  }
}
