/**
 * gRPC calls on the page (docs/trace.md's grpc-start, grpc-message, grpc-end). A call is a
 * connection of the list, and each of its messages a row of the same table: a text row holding
 * the message's proto3 JSON, so the table's preview, the filters and the detail pane's JSON tree
 * need nothing of their own. Its size stays the encoded protobuf's.
 */
import type { AnyTraceEvent, GrpcEndTraceEvent, GrpcStartTraceEvent, GrpcTraceEvent, MessageTraceEvent } from '../../trace/events.js';

export interface GrpcCall {
  start?: GrpcStartTraceEvent;
  end?: GrpcEndTraceEvent;
}

export function isGrpcEvent(event: AnyTraceEvent): event is GrpcTraceEvent {
  return event.event === 'grpc-start' || event.event === 'grpc-message' || event.event === 'grpc-end';
}

/** Files `event` under its call; a message comes back as the row the table shows. */
export function addGrpcEvent(call: GrpcCall, event: GrpcTraceEvent): MessageTraceEvent | undefined {
  if (event.event === 'grpc-start') call.start = event;
  else if (event.event === 'grpc-end') call.end = event;
  else {
    const data = JSON.stringify(event.json) ?? 'null';
    return { time: event.time, conn: event.conn, event: 'message', dir: event.dir, opcode: 1, size: event.size, data, encoding: 'utf8' };
  }
  return undefined;
}

/** The list's name of a call: `gRPC demo.Echo/Say 127.0.0.1:50051`. */
export function grpcCallName(call: GrpcCall, conn: number): string {
  if (!call.start) return `gRPC call ${conn}`;
  return `gRPC ${call.start.method.replace(/^\//, '')}${call.start.peer ? ` ${call.start.peer}` : ''}`;
}

/** The call's kind and, once it ended, its status: `unary, 5 NOT_FOUND`. */
export function grpcCallState(call: GrpcCall): string {
  const kind = call.start?.kind ?? 'call';
  return call.end ? `${kind}, ${call.end.code} ${call.end.name}` : `${kind}, open`;
}
