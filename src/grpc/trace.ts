/**
 * gRPC calls on the trace (docs/trace.md): a call is traced as a connection of its own — its
 * `grpc-start`, each `grpc-message` in and out, then its `grpc-end` — published on the same
 * channel as every WebSocket's events, with the same ids, clock and redaction (credentials in
 * metadata and trailers are redacted as handshake headers are). The client's call path and the
 * mock server both trace through here. While nobody subscribes, nothing is built and no id is
 * used up, as for WebSockets.
 */
import { Buffer } from 'node:buffer';
import { type Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { nextConnectionId, publish, traceTime, tracing } from '../node/trace-channel.js';
import type { GrpcCallKind, HeaderPairs, TraceDirection } from '../trace/events.js';

export interface GrpcCallStart {
  role: 'client' | 'server';
  /** `/package.Service/Method` */
  method: string;
  kind: GrpcCallKind;
  metadata: Metadata | HeaderPairs;
  /** `host:port` of the other side. */
  peer?: string;
}

/** The name of a gRPC status code (`NOT_FOUND`), `UNKNOWN_<n>` for a code outside the table. */
export function grpcStatusName(code: number): string {
  const name = (GrpcStatus as unknown as Record<number, string | undefined>)[code];
  return typeof name === 'string' ? name : `UNKNOWN_${code}`;
}

/** Metadata as trace pairs, in order; a `-bin` key's bytes as base64. */
export function metadataPairs(metadata: Metadata | HeaderPairs | undefined): HeaderPairs {
  if (metadata === undefined) return [];
  if (Array.isArray(metadata)) return metadata;
  const pairs: HeaderPairs = [];
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    for (const value of values) pairs.push([key, typeof value === 'string' ? value : Buffer.from(value).toString('base64')]);
  }
  return pairs;
}

/** One call's trace. Get one with `traceGrpcCall`, which gives none while nobody listens. */
export class GrpcCallTrace {
  private ended = false;

  private constructor(
    readonly conn: number,
    private readonly role: 'client' | 'server',
  ) {}

  /** Publishes the call's `grpc-start`; undefined (and nothing published, no id taken) while the trace has no subscriber. */
  static start(start: GrpcCallStart): GrpcCallTrace | undefined {
    if (!tracing()) return undefined;
    const trace = new GrpcCallTrace(nextConnectionId(), start.role);
    publish({
      time: traceTime(),
      conn: trace.conn,
      event: 'grpc-start',
      dir: start.role === 'client' ? 'out' : 'in',
      role: start.role,
      method: start.method,
      kind: start.kind,
      metadata: metadataPairs(start.metadata),
      ...(start.peer !== undefined && { peer: start.peer }),
    });
    return trace;
  }

  /** A message sent (`out`) or received (`in`): its JSON form and its encoded size. */
  message(dir: TraceDirection, json: unknown, size: number): void {
    if (this.ended || !tracing()) return;
    publish({ time: traceTime(), conn: this.conn, event: 'grpc-message', dir, json, size });
  }

  /** The status the call ended with; only the first end counts (a cancel racing a status). */
  end(code: number, message: string, trailers?: Metadata | HeaderPairs): void {
    if (this.ended) return;
    this.ended = true;
    if (!tracing()) return;
    publish({
      time: traceTime(),
      conn: this.conn,
      event: 'grpc-end',
      dir: this.role === 'client' ? 'in' : 'out',
      code,
      name: grpcStatusName(code),
      message,
      trailers: metadataPairs(trailers),
    });
  }
}
