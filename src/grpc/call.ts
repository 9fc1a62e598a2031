/**
 * One call of any kind on @grpc/grpc-js, messages in and out as proto3 JSON. Every kind rides
 * one HTTP/2 stream the same way on the wire, so a call is made as a bidirectional stream and
 * the method's kind only says how many messages each side may send: `send` a request (each is
 * encoded when given, so a bad one is reported before anything leaves), `end` to half-close,
 * and the responses, headers and the final status come as events, in the order they arrive.
 */
import { Buffer } from 'node:buffer';
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import type { GrpcJsonCodec, JsonOutputOptions } from './json.js';
import { type MethodKind, fullName, methodKind } from './schema.js';
import { GrpcCallTrace } from './trace.js';

export interface GrpcCallOptions {
  metadata?: grpc.Metadata;
  /** When the call gives up with DEADLINE_EXCEEDED (a Date or epoch milliseconds). */
  deadline?: grpc.Deadline;
  json?: JsonOutputOptions;
}

/** The status a call ended with, its trailers, and its response headers (none when the server sent none). */
export interface GrpcCallResult {
  code: number;
  details: string;
  trailers: grpc.Metadata;
  headers: grpc.Metadata | undefined;
}

export interface GrpcCallEvents {
  headers: [grpc.Metadata];
  /** A response, decoded to proto3 JSON. */
  response: [unknown];
  /** A request was handed to the stream (its JSON, as sent). */
  request: [unknown];
  end: [GrpcCallResult];
}

/** `/pkg.Service/Method`, the HTTP/2 :path of a method. */
export function methodPath(method: protobuf.Method): string {
  const service = method.parent;
  return `/${service ? fullName(service) : ''}/${method.name}`;
}

export class GrpcCall extends EventEmitter<GrpcCallEvents> {
  readonly kind: MethodKind;
  readonly path: string;
  readonly result: Promise<GrpcCallResult>;
  private readonly stream: grpc.ClientDuplexStream<Uint8Array, Buffer>;
  private readonly requestType: protobuf.Type;
  private headers: grpc.Metadata | undefined;
  private sent = 0;
  private ended = false;
  private finished: GrpcCallResult | undefined;
  private readonly trace: GrpcCallTrace | undefined;

  constructor(
    client: grpc.Client,
    readonly method: protobuf.Method,
    private readonly codec: GrpcJsonCodec,
    options: GrpcCallOptions = {},
  ) {
    super();
    method.resolve();
    if (!method.resolvedRequestType || !method.resolvedResponseType) throw new Error(`${method.name}: its message types are not resolved`);
    this.requestType = method.resolvedRequestType;
    const responseType = method.resolvedResponseType;
    this.kind = methodKind(method);
    this.path = methodPath(method);
    const metadata = options.metadata ?? new grpc.Metadata();
    this.trace = GrpcCallTrace.start({
      role: 'client',
      method: this.path,
      kind: this.kind,
      metadata,
      peer: client
        .getChannel()
        .getTarget()
        .replace(/^dns:(\/\/\/)?/, ''),
    });
    this.stream = client.makeBidiStreamRequest(
      this.path,
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => bytes,
      metadata,
      options.deadline === undefined ? {} : { deadline: options.deadline },
    );
    this.result = new Promise((resolve) => {
      this.stream.on('metadata', (headers: grpc.Metadata) => {
        this.headers = headers;
        this.emit('headers', headers);
      });
      this.stream.on('data', (bytes: Buffer) => {
        let json: unknown;
        try {
          json = codec.decodeToJson(responseType, bytes, options.json);
        } catch (error) {
          // grpc-js would report a message it cannot parse as INTERNAL; so do we.
          this.finish(
            {
              code: grpc.status.INTERNAL,
              details: `a response does not decode as ${fullName(responseType)}: ${(error as Error).message}`,
              trailers: new grpc.Metadata(),
            },
            resolve,
          );
          this.stream.cancel();
          return;
        }
        this.trace?.message('in', json, bytes.length);
        this.emit('response', json);
      });
      // The 'error' event repeats a non-OK status; 'status' carries every ending.
      this.stream.on('error', () => {});
      this.stream.on('status', (status: grpc.StatusObject) => this.finish({ code: status.code, details: status.details, trailers: status.metadata }, resolve));
    });
  }

  private finish(status: Omit<GrpcCallResult, 'headers'>, resolve: (result: GrpcCallResult) => void): void {
    if (this.finished) return;
    this.finished = { ...status, headers: this.headers };
    this.trace?.end(status.code, status.details, status.trailers);
    resolve(this.finished);
    this.emit('end', this.finished);
  }

  /** Whether the request stream takes more than one message. */
  get clientStreams(): boolean {
    return this.kind === 'client-streaming' || this.kind === 'bidi-streaming';
  }

  /** Encode and send one request (a GrpcJsonError when it does not fit the type; an Error past what the kind allows). */
  send(json: unknown): void {
    if (this.ended) throw new Error('the request stream is closed');
    if (this.sent > 0 && !this.clientStreams) throw new Error(`${this.method.name} is ${this.kind}: it takes one request message`);
    const bytes = this.codec.encodeJson(this.requestType, json);
    if (this.finished) return;
    this.sent += 1;
    this.stream.write(bytes);
    if (this.trace) this.trace.message('out', this.codec.decodeToJson(this.requestType, bytes), bytes.length);
    this.emit('request', json);
  }

  /** Half-close: no more requests. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stream.end();
  }

  get requestCount(): number {
    return this.sent;
  }

  cancel(): void {
    this.stream.cancel();
  }
}
