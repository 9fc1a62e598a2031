/**
 * The mock gRPC server: a grpc-js Server answering every method of every service in the protos
 * — unary and client streaming with one message, server streaming with a stream, bidi with one
 * reply per request — from the fixtures, or with generated messages (answer.ts); with server
 * reflection (grpc.reflection.v1 and v1alpha, from @grpc/reflection) so that clients can
 * discover it. Handlers take and give raw bytes: MockCall decodes, encodes and traces.
 */
import type { Buffer } from 'node:buffer';
import {
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { type GrpcDescriptors, packageDefinitionOf } from '../descriptors.js';
import type { GrpcJsonCodec } from '../json.js';
import { type Answer, answerFor } from './answer.js';
import type { Fixtures } from './load-fixtures.js';
import { type MockMethod, methodsOf } from './methods.js';
import { MockCall, type GrpcMockCallReport } from './mock-call.js';

export interface GrpcMockOptions {
  /** The schema served (from .proto files or a protoset). */
  descriptors: GrpcDescriptors;
  /** Messages as proto3 JSON, for the trace and for matching requests. */
  codec: GrpcJsonCodec;
  /** From a --mocks file (loadFixtures); none: every method answers with generated messages. */
  fixtures?: Fixtures;
  /** Each call, once it ended. */
  onCall?: (call: GrpcMockCallReport) => void;
}

const identity = (bytes: Buffer): Buffer => bytes;

export class GrpcMockServer {
  readonly methods: readonly MockMethod[];
  private readonly server = new Server();
  private readonly fixtures: Fixtures;
  private readonly onCall: (call: GrpcMockCallReport) => void;
  private readonly codec: GrpcJsonCodec;

  constructor(options: GrpcMockOptions) {
    this.methods = methodsOf(options.descriptors.root);
    this.fixtures = options.fixtures ?? new Map();
    this.onCall = options.onCall ?? (() => {});
    this.codec = options.codec;
    for (const method of this.methods) this.register(method);
    // @grpc/reflection reads the file descriptors of a proto-loader package definition; it serves both versions.
    new ReflectionService(packageDefinitionOf(options.descriptors)).addToServer(this.server);
  }

  /** Listen on `host:port` (port 0: any free one); resolves with the port. Plaintext unless credentials say otherwise. */
  listen(host: string, port: number, credentials: ServerCredentials = ServerCredentials.createInsecure()): Promise<number> {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    return new Promise((resolve, reject) => {
      this.server.bindAsync(address, credentials, (error, bound) => (error ? reject(error) : resolve(bound)));
    });
  }

  /** Stop: calls in progress get `graceMs` to finish, then are cut. */
  close(graceMs = 1000): Promise<void> {
    return new Promise((resolve) => {
      const force = setTimeout(() => this.server.forceShutdown(), graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private register(method: MockMethod): void {
    const start = (call: ConstructorParameters<typeof MockCall>[1]) => new MockCall(method, call, this.codec, this.onCall);
    switch (method.kind) {
      case 'unary':
        this.server.register(
          method.path,
          (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
            const mock = start(call);
            void guard(mock, callback, () => this.answerOne(mock, [call.request], callback));
          },
          identity,
          identity,
          'unary',
        );
        return;
      case 'client-streaming':
        this.server.register(
          method.path,
          (call: ServerReadableStream<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
            const mock = start(call);
            const requests: Buffer[] = [];
            call.on('data', (bytes: Buffer) => requests.push(bytes));
            call.on('end', () => void guard(mock, callback, () => this.answerOne(mock, requests, callback)));
          },
          identity,
          identity,
          'clientStream',
        );
        return;
      case 'server-streaming':
        this.server.register(
          method.path,
          (call: ServerWritableStream<Buffer, Buffer>) => {
            const mock = start(call);
            void guardStream(mock, call, async () => {
              const answer = this.answer(mock, mock.receive(call.request));
              await this.stream(mock, call, answer);
              this.finish(mock, call, answer);
            });
          },
          identity,
          identity,
          'serverStream',
        );
        return;
      case 'bidi-streaming':
        this.server.register(method.path, (call: ServerDuplexStream<Buffer, Buffer>) => this.bidi(start(call), call), identity, identity, 'bidi');
        return;
    }
  }

  private answer(mock: MockCall, request: unknown, index = 0): Answer {
    const answer = answerFor(mock.method, this.fixtures, request, index);
    mock.source = answer.source;
    return answer;
  }

  /** Unary and client streaming: one reply or a status. A client stream is matched on its first request. */
  private async answerOne(mock: MockCall, requests: Buffer[], callback: sendUnaryData<Buffer>): Promise<void> {
    const decoded = requests.map((bytes) => mock.receive(bytes));
    const answer = this.answer(mock, decoded[0] ?? {});
    await delay(answer.delayMs);
    if (mock.done) return;
    if (answer.status && answer.status.code !== GrpcStatus.OK) {
      callback(mock.failure(answer.status));
      return;
    }
    const reply = mock.send(answer.responses[0] ?? new Uint8Array());
    mock.end(GrpcStatus.OK, answer.status?.message ?? '');
    callback(null, reply);
  }

  private async stream(mock: MockCall, call: ServerWritableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>, answer: Answer): Promise<void> {
    for (const reply of answer.responses) {
      await delay(answer.delayMs);
      if (mock.done) return;
      call.write(mock.send(reply));
    }
  }

  /** End a stream with the answer's status (OK when it has none). */
  private finish(mock: MockCall, call: ServerWritableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>, answer: Answer): void {
    if (mock.done) return;
    if (answer.status && answer.status.code !== GrpcStatus.OK) {
      call.emit('error', mock.failure(answer.status));
      return;
    }
    mock.end(GrpcStatus.OK, answer.status?.message ?? '');
    call.end();
  }

  /** One answer per request, in order; a failing status ends the call; the client's half-close ends it with OK. */
  private bidi(mock: MockCall, call: ServerDuplexStream<Buffer, Buffer>): void {
    let queue = Promise.resolve();
    let index = 0;
    const then = (work: () => Promise<void>) => {
      queue = queue.then(() => (mock.done ? undefined : guardStream(mock, call, work)));
    };
    call.on('data', (bytes: Buffer) => {
      const request = mock.receive(bytes);
      const n = index++;
      then(async () => {
        const answer = this.answer(mock, request, n);
        await this.stream(mock, call, answer);
        if (answer.status && answer.status.code !== GrpcStatus.OK) this.finish(mock, call, answer);
      });
    });
    call.on('end', () => then(async () => this.finish(mock, call, { responses: [], delayMs: 0, source: mock.source })));
  }
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** A request that does not decode, or any other failure inside a handler: INTERNAL, with the reason, never a crash. */
async function guard(mock: MockCall, callback: sendUnaryData<Buffer>, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (mock.done) return;
    callback(mock.failure({ code: GrpcStatus.INTERNAL, message: `wscope mock: ${(error as Error).message}` }));
  }
}

async function guardStream(mock: MockCall, call: { emit(event: 'error', error: Error): unknown }, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (mock.done) return;
    call.emit('error', mock.failure({ code: GrpcStatus.INTERNAL, message: `wscope mock: ${(error as Error).message}` }));
  }
}
