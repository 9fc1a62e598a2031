/**
 * One call the mock is answering: it decodes what comes in and encodes what goes out (the
 * handlers pass raw bytes through grpc-js, so each message's size is known for the trace), traces
 * the call, and reports how it ended — once, whichever comes first: our status, or the client
 * cancelling (a deadline included).
 */
import { Buffer } from 'node:buffer';
import { Metadata, status as GrpcStatus, type ServerErrorResponse } from '@grpc/grpc-js';
import type { GrpcJsonCodec } from '../json.js';
import { GrpcCallTrace, grpcStatusName } from '../trace.js';
import type { FixtureStatus } from './load-fixtures.js';
import type { MockMethod } from './methods.js';

/** What the log says of a call that ended. */
export interface GrpcMockCallReport {
  method: string;
  kind: MockMethod['kind'];
  peer: string;
  code: number;
  /** `NOT_FOUND`... */
  name: string;
  message: string;
  received: number;
  sent: number;
  ms: number;
  /** Where the answer came from: a fixture's `file:line:col`, `generated`... */
  source: string;
}

interface CallSide {
  metadata: Metadata;
  getPeer(): string;
  on(event: 'cancelled', listener: () => void): unknown;
}

export class MockCall {
  received = 0;
  sent = 0;
  source = 'generated';
  private readonly started = performance.now();
  private readonly trace: GrpcCallTrace | undefined;
  private finished = false;
  private readonly peer: string;

  constructor(
    readonly method: MockMethod,
    call: CallSide,
    private readonly codec: GrpcJsonCodec,
    private readonly report: (call: GrpcMockCallReport) => void,
  ) {
    this.peer = call.getPeer();
    this.trace = GrpcCallTrace.start({ role: 'server', method: method.path, kind: method.kind, metadata: call.metadata, peer: this.peer });
    call.on('cancelled', () => this.end(GrpcStatus.CANCELLED, 'cancelled by the client'));
  }

  /** The call ended (ours or the client's doing): no more replies. */
  get done(): boolean {
    return this.finished;
  }

  /** A request's bytes → its proto3 JSON with default values written out, as `match` sees it. */
  receive(bytes: Buffer): unknown {
    const type = this.method.requestType;
    const message = type.decode(bytes);
    this.received += 1;
    if (this.trace) this.trace.message('in', this.codec.toJson(type, message), bytes.length);
    return this.codec.toJson(type, message, { emitDefaults: true });
  }

  /** A reply, encoded: traced, and handed to grpc-js as it is. */
  send(reply: Uint8Array): Buffer {
    this.sent += 1;
    if (this.trace) this.trace.message('out', this.codec.decodeToJson(this.method.responseType, reply), reply.length);
    return Buffer.from(reply);
  }

  /** The error grpc-js sends for a failing status: code, message, and the details trailer. */
  failure(status: FixtureStatus): ServerErrorResponse {
    const metadata = new Metadata();
    if (status.details) metadata.set('grpc-status-details-bin', Buffer.from(status.details));
    this.end(status.code, status.message, metadata);
    return Object.assign(new Error(status.message), { code: status.code, details: status.message, metadata });
  }

  /** Trace and report the end; only the first counts. */
  end(code: number, message: string, trailers: Metadata = new Metadata()): void {
    if (this.finished) return;
    this.finished = true;
    this.trace?.end(code, message, trailers);
    this.report({
      method: this.method.path,
      kind: this.method.kind,
      peer: this.peer,
      code,
      name: grpcStatusName(code),
      message,
      received: this.received,
      sent: this.sent,
      ms: Math.round((performance.now() - this.started) * 10) / 10,
      source: this.source,
    });
  }
}
