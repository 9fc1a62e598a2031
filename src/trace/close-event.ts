import { Buffer } from 'node:buffer';
import { describeCloseCode } from '../protocol/close-codes.js';
import type { CloseFrameRecord, CloseTraceEvent, TraceDirection } from './events.js';

// Beside events.ts, not in it: the inspector's page type-checks events.ts without Node's types.

/** What a close event says, besides its payload (which closeTraceEvent derives). */
export interface CloseOutcomeFields {
  time: number;
  conn: number;
  dir: TraceDirection;
  code: number;
  reason: string;
  clean: boolean;
  sent: CloseFrameRecord | undefined;
  received: CloseFrameRecord | undefined;
  /** The subprotocol the handshake agreed: its own close codes (graphql-transport-ws's 4400...) get their names. */
  subprotocol?: string;
}

/**
 * A close event, built one way by the live trace and by the HAR reader. Its payload is the
 * deciding Close frame's (the code's two bytes and the reason) when `fromFrame`; empty and 0 when
 * no frame carried the code (1005: a Close without one; 1006: none at all).
 */
export function closeTraceEvent(fields: CloseOutcomeFields, fromFrame: boolean): CloseTraceEvent {
  const { time, conn, dir, code, reason, clean, sent, received } = fields;
  const data = fromFrame ? reason : '';
  return {
    time,
    conn,
    event: 'close',
    dir,
    opcode: 8,
    size: fromFrame ? 2 + Buffer.byteLength(data) : 0,
    data,
    encoding: 'utf8',
    code,
    reason,
    name: describeCloseCode(code, fields.subprotocol).name,
    clean,
    ...(sent && { sent }),
    ...(received && { received }),
  };
}
