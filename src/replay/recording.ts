/**
 * A recording, as replay sees it: per WebSocket connection, the handshake the client made, what
 * the client sent (in order, with times), what the server answered, and how it ended.
 *
 * Read from our JSONL (`decodeJsonl`) or any HAR (`readHar`). Which side was the client depends
 * on who traced it: in a client's trace (`connect --jsonl`, every HAR of a browser) the client's
 * messages are `out`; in a server's (`listen --jsonl`) they are `in`.
 */
import type { Buffer } from 'node:buffer';
import { decodeJsonl, decodePayload, HarFormatError, type HandshakeTraceEvent, readHar, TraceFormatError, type TraceEvent } from '../index.js';
import type { Reply } from './compare.js';

/** A recording that cannot be used: not JSON, not a HAR, no WebSocket in it... */
export class RecordingError extends Error {
  override name = 'RecordingError';
}

export interface SentByClient {
  /** Epoch seconds. */
  time: number;
  kind: 'message' | 'ping';
  opcode: number;
  data: Buffer;
}

export interface RecordedClose {
  /** The client sent the first Close frame (or cut the connection). */
  byClient: boolean;
  /** The client's Close frame, when it sent one. */
  clientFrame?: { time: number; code: number; reason: string };
  /** What the client was told: the server's Close code (1005 without one), 1006 when none came. */
  code: number;
  reason: string;
  time: number;
}

export interface RecordedConnection {
  id: number;
  handshake: HandshakeTraceEvent;
  sent: SentByClient[];
  replies: Array<Reply & { time: number }>;
  close?: RecordedClose;
}

export interface Recording {
  /** Connections that opened (status 101), in the order they did. */
  connections: RecordedConnection[];
  /** Connections that are in the file but did not open, with why: they cannot be replayed. */
  skipped: Array<{ id: number; why: string }>;
}

/** The format by the file's name (.har, .jsonl), else by its first character: a HAR is one JSON object. */
export function recordingFormat(path: string, text: string): 'har' | 'jsonl' {
  if (/\.har$/i.test(path)) return 'har';
  if (/\.jsonl$/i.test(path)) return 'jsonl';
  return /^\s*\{\s*"log"/.test(text) ? 'har' : 'jsonl';
}

/** The trace events of a recording file's text (`path` picks the format), or a RecordingError saying what is wrong. */
export function parseRecordingEvents(path: string, text: string): TraceEvent[] {
  if (recordingFormat(path, text) === 'har') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new RecordingError(`not a HAR file: not JSON (${(error as Error).message})`);
    }
    try {
      return readHar(json);
    } catch (error) {
      if (error instanceof HarFormatError) throw new RecordingError(error.message);
      throw error;
    }
  }
  try {
    return decodeJsonl(text);
  } catch (error) {
    if (error instanceof TraceFormatError) throw new RecordingError(`not a wscope JSONL trace: ${error.message}`);
    throw error;
  }
}

/** The connections of a recording file's text; one without any WebSocket connection is a RecordingError. */
export function parseRecording(path: string, text: string): Recording {
  const recording = connectionsOf(parseRecordingEvents(path, text));
  if (recording.connections.length === 0 && recording.skipped.length === 0) throw new RecordingError('no WebSocket connection in the recording');
  return recording;
}

/** Group trace events by connection, each from its handshake to its close. */
export function connectionsOf(events: readonly TraceEvent[]): Recording {
  const byId = new Map<number, TraceEvent[]>();
  for (const event of events) {
    const list = byId.get(event.conn);
    if (list) list.push(event);
    else byId.set(event.conn, [event]);
  }
  const connections: RecordedConnection[] = [];
  const skipped: Recording['skipped'] = [];
  for (const [id, list] of byId) {
    const handshake = list.find((e): e is HandshakeTraceEvent => e.event === 'handshake');
    if (!handshake) {
      const error = list.find((e) => e.event === 'error');
      skipped.push({ id, why: error?.event === 'error' ? `it never opened: ${error.message}` : 'it has no handshake' });
      continue;
    }
    if (handshake.status !== 101) {
      skipped.push({ id, why: `its handshake got ${handshake.status} ${handshake.statusText}`.trimEnd() });
      continue;
    }
    connections.push(connectionOf(id, handshake, list));
  }
  connections.sort((a, b) => a.handshake.start - b.handshake.start);
  return { connections, skipped };
}

function connectionOf(id: number, handshake: HandshakeTraceEvent, events: readonly TraceEvent[]): RecordedConnection {
  const clientDir = handshake.role === 'client' ? 'out' : 'in';
  const sent: SentByClient[] = [];
  const replies: RecordedConnection['replies'] = [];
  let close: RecordedClose | undefined;
  for (const event of events) {
    if (event.event === 'message') {
      const data = decodePayload(event.data, event.encoding);
      if (event.dir === clientDir) sent.push({ time: event.time, kind: 'message', opcode: event.opcode, data });
      else replies.push({ time: event.time, opcode: event.opcode, data });
    } else if (event.event === 'ping' && event.dir === clientDir) {
      sent.push({ time: event.time, kind: 'ping', opcode: 9, data: decodePayload(event.data, event.encoding) });
    } else if (event.event === 'close') {
      const clientFrame = handshake.role === 'client' ? event.sent : event.received;
      const serverFrame = handshake.role === 'client' ? event.received : event.sent;
      const told = handshake.role === 'client' ? { code: event.code, reason: event.reason } : serverFrame ? serverFrame : { code: 1006, reason: '' };
      close = { byClient: event.dir === clientDir, ...(clientFrame && { clientFrame }), code: told.code, reason: told.reason, time: event.time };
    }
  }
  return { id, handshake, sent, replies, ...(close && { close }) };
}
