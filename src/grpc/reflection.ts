/**
 * A client of gRPC server reflection (https://github.com/grpc/grpc/blob/master/doc/server-reflection.md):
 * `grpc.reflection.v1` where the server has it, else `grpc.reflection.v1alpha` (the same
 * messages under an older name, which many servers still serve alone). One bidirectional
 * stream carries every question; the files it answers with, and the files they import, become
 * a GrpcDescriptors.
 */
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { descriptorsFromFiles, type GrpcDescriptors } from './descriptors.js';
import { GrpcSymbolError } from './errors.js';

/** The reflection .proto files @grpc/reflection ships (its build/proto folder). */
const REFLECTION_PROTO_DIR = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection/package.json')), 'build', 'proto');

const VERSIONS = ['v1', 'v1alpha'] as const;
type Version = (typeof VERSIONS)[number];

let reflectionRoot: protobuf.Root | undefined;

function messages(version: Version): { request: protobuf.Type; response: protobuf.Type } {
  if (!reflectionRoot) {
    reflectionRoot = new protobuf.Root();
    reflectionRoot.loadSync(
      VERSIONS.map((v) => join(REFLECTION_PROTO_DIR, 'grpc', 'reflection', v, 'reflection.proto')),
      { keepCase: true },
    );
    reflectionRoot.resolveAll();
  }
  return {
    request: reflectionRoot.lookupType(`grpc.reflection.${version}.ServerReflectionRequest`),
    response: reflectionRoot.lookupType(`grpc.reflection.${version}.ServerReflectionResponse`),
  };
}

interface ReflectionResponse {
  list_services_response?: { service?: Array<{ name?: string }> };
  file_descriptor_response?: { file_descriptor_proto?: Uint8Array[] };
  error_response?: { error_code?: number; error_message?: string };
}

/** A status from the reflection stream itself (UNIMPLEMENTED: the server has no reflection; UNAVAILABLE: no server). */
export class ReflectionError extends Error {
  override name = 'ReflectionError';
  constructor(
    message: string,
    readonly status: grpc.StatusObject | grpc.ServiceError,
  ) {
    super(message);
  }
}

/** One reflection stream: questions asked in turn, each answered before the next is sent. */
class ReflectionStream {
  private readonly call: grpc.ClientDuplexStream<Record<string, unknown>, ReflectionResponse>;
  private readonly waiting: Array<{ resolve(response: ReflectionResponse): void; reject(error: Error): void }> = [];
  private failure: Error | undefined;

  constructor(client: grpc.Client, version: Version, metadata: grpc.Metadata, deadline: grpc.Deadline | undefined) {
    const { request, response } = messages(version);
    const path = `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`;
    this.call = client.makeBidiStreamRequest(
      path,
      (value: Record<string, unknown>) => Buffer.from(request.encode(request.fromObject(value)).finish()),
      (bytes: Buffer) => response.toObject(response.decode(bytes), { bytes: Uint8Array, defaults: false }) as ReflectionResponse,
      metadata,
      deadline === undefined ? {} : { deadline },
    );
    this.call.on('data', (answer: ReflectionResponse) => this.waiting.shift()?.resolve(answer));
    this.call.on('error', (error: grpc.ServiceError) => this.fail(new ReflectionError(error.details || error.message, error)));
    this.call.on('status', (status: grpc.StatusObject) => {
      if (status.code === grpc.status.OK) this.fail(new ReflectionError('the reflection stream ended early', status));
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }

  ask(question: Record<string, unknown>): Promise<ReflectionResponse> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.call.write({ host: '', ...question });
    });
  }

  close(): void {
    this.call.end();
  }
}

export interface ReflectionOptions {
  metadata?: grpc.Metadata;
  deadline?: grpc.Deadline;
}

/** Asks a server about its services over reflection, v1 first and v1alpha when v1 is UNIMPLEMENTED. */
export class ReflectionClient {
  private stream: ReflectionStream | undefined;
  private version: Version | undefined;

  constructor(
    private readonly client: grpc.Client,
    private readonly options: ReflectionOptions = {},
  ) {}

  /** The reflection version the server answered on (after the first question). */
  get answeredVersion(): Version | undefined {
    return this.version;
  }

  private async ask(question: Record<string, unknown>): Promise<ReflectionResponse> {
    if (this.stream) return this.stream.ask(question);
    for (const version of VERSIONS) {
      const stream = new ReflectionStream(this.client, version, this.options.metadata ?? new grpc.Metadata(), this.options.deadline);
      try {
        const answer = await stream.ask(question);
        this.stream = stream;
        this.version = version;
        return answer;
      } catch (error) {
        stream.close();
        const unimplemented = error instanceof ReflectionError && error.status.code === grpc.status.UNIMPLEMENTED;
        if (!unimplemented || version === VERSIONS[VERSIONS.length - 1]) throw error;
      }
    }
    throw new Error('unreachable: every reflection version was tried');
  }

  /** The full names of the services the server lists (the reflection service included). */
  async listServices(): Promise<string[]> {
    const answer = await this.ask({ list_services: '' });
    throwIfError(answer, 'list services');
    return (answer.list_services_response?.service ?? []).map((service) => service.name ?? '').filter((name) => name !== '');
  }

  /** The file that defines `symbol` (a service, method, message or enum), with every file it imports. */
  async filesForSymbols(symbols: readonly string[]): Promise<Uint8Array[]> {
    const files = new Map<string, Uint8Array>();
    const wanted: string[] = [];
    const take = (answer: ReflectionResponse) => {
      for (const bytes of answer.file_descriptor_response?.file_descriptor_proto ?? []) {
        const file = protobufFile(bytes);
        if (files.has(file.name)) continue;
        files.set(file.name, bytes);
        wanted.push(...file.dependency);
      }
    };
    for (const symbol of symbols) {
      const answer = await this.ask({ file_containing_symbol: symbol });
      throwIfError(answer, symbol);
      take(answer);
    }
    // A server may answer with the file alone; its imports are asked for by name.
    for (let name = wanted.shift(); name !== undefined; name = wanted.shift()) {
      if (files.has(name)) continue;
      const answer = await this.ask({ file_by_filename: name });
      throwIfError(answer, name);
      take(answer);
    }
    return [...files.values()];
  }

  /** The schema of the given symbols, or of every service the server lists. */
  async descriptors(symbols?: readonly string[]): Promise<GrpcDescriptors> {
    const names = symbols ?? (await this.listServices());
    return descriptorsFromFiles(await this.filesForSymbols(names), `reflection (${this.version ?? 'v1'})`);
  }

  close(): void {
    this.stream?.close();
    this.stream = undefined;
  }
}

const FILE_HEADER = new protobuf.Type('FileHeader').add(new protobuf.Field('name', 1, 'string')).add(new protobuf.Field('dependency', 3, 'string', 'repeated'));

/** A FileDescriptorProto's name and imports, read without decoding the rest. */
function protobufFile(bytes: Uint8Array): { name: string; dependency: string[] } {
  const header = FILE_HEADER.toObject(FILE_HEADER.decode(bytes), { arrays: true, defaults: true }) as { name: string; dependency: string[] };
  return header;
}

function throwIfError(answer: ReflectionResponse, what: string): void {
  const error = answer.error_response;
  if (!error) return;
  const code = error.error_code ?? grpc.status.UNKNOWN;
  const text = error.error_message || grpc.status[code] || 'error';
  if (code === grpc.status.NOT_FOUND) throw new GrpcSymbolError(`the server's reflection does not know '${what}' (${text})`);
  throw new ReflectionError(`reflection could not answer for '${what}': ${text}`, { code, details: text, metadata: new grpc.Metadata() });
}
