/**
 * Shared helpers for the pure-bytes tests of the protocol core: hex fixtures, a seeded PRNG,
 * feeding a connection in chunks, and one assertion for every way a connection fails.
 */
import assert from 'node:assert/strict';
import {
  Connection,
  parseFrame,
  serializeFrame,
  type ConnectionEvent,
  type ConnectionOptions,
  type ParsedFrame,
  type ProtocolErrorCode,
} from '../../src/protocol/index.js';

/** "81 05 48 65" → bytes. Whitespace is ignored so fixtures can be laid out like the RFC's. */
export function hex(text: string): Buffer {
  const clean = text.replace(/\s+/g, '');
  assert.equal(clean.length % 2, 0, `odd hex fixture: ${text}`);
  return Buffer.from(clean, 'hex');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** mulberry32: a tiny seeded PRNG, so every random chunking can be replayed from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The RFC 6455 §5.7 example key, 37 fa 21 3d. */
export const RFC_MASK_KEY = hex('37fa213d');

/** A connection whose masking keys are fixed, so client output is byte-exact. */
export function connection(role: 'client' | 'server', options: Partial<ConnectionOptions> = {}): Connection {
  return new Connection({ role, maskKey: () => RFC_MASK_KEY, ...options });
}

/** Everything the connection queued for the wire, as one buffer. */
export function outgoing(conn: Connection): Buffer {
  return Buffer.concat(conn.takeOutgoing());
}

/** Split a buffer of whole frames into parsed frames (unmasked payloads). */
export function frames(bytes: Uint8Array): ParsedFrame[] {
  const out: ParsedFrame[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const parsed = parseFrame(bytes.subarray(offset));
    assert.ok(parsed, `incomplete frame at offset ${offset} of ${toHex(bytes)}`);
    out.push(parsed.frame);
    offset += parsed.size;
  }
  return out;
}

/** Events as plain values, so runs can be compared with deepEqual (errors become their fields). */
export type PlainEvent =
  | { type: 'message'; binary: boolean; data: string; compressed: boolean }
  | { type: 'ping' | 'pong'; data: string }
  | { type: 'close'; code: number; reason: string }
  | { type: 'error'; code: string; closeCode: number; message: string }
  | { type: 'frame'; direction: string; opcode: number; fin: boolean; payload: string };

export function plain(events: readonly ConnectionEvent[]): PlainEvent[] {
  return events.map((event): PlainEvent => {
    switch (event.type) {
      case 'message':
        return { type: 'message', binary: event.binary, data: toHex(event.data), compressed: event.compressed };
      case 'ping':
      case 'pong':
        return { type: event.type, data: toHex(event.data) };
      case 'close':
        return { type: 'close', code: event.code, reason: event.reason };
      case 'error':
        return { type: 'error', code: event.error.code, closeCode: event.error.closeCode, message: event.error.message };
      case 'frame':
        return { type: 'frame', direction: event.frame.direction, opcode: event.frame.opcode, fin: event.frame.fin, payload: toHex(event.frame.payload) };
    }
  });
}

/** Feed `bytes` cut at the given sizes (the last piece takes the rest), each piece a fresh copy unless `feed` takes it otherwise. */
export function feedChunks(
  conn: Connection,
  bytes: Uint8Array,
  sizes: Iterable<number>,
  feed: (chunk: Uint8Array) => void = (chunk) => conn.receiveData(Buffer.from(chunk)),
): void {
  let offset = 0;
  for (const size of sizes) {
    if (offset >= bytes.length) break;
    feed(bytes.subarray(offset, offset + size));
    offset += size;
  }
  if (offset < bytes.length) feed(bytes.subarray(offset));
}

export function* byteByByte(): Generator<number> {
  for (;;) yield 1;
}

/** Random chunk sizes from 1 to `max`, from a seeded PRNG. */
export function* randomSizes(seed: number, max: number): Generator<number> {
  const random = mulberry32(seed);
  for (;;) yield 1 + Math.floor(random() * max);
}

/**
 * The one assertion for a failing connection: after `bytes`, the connection reports exactly one
 * error with this `code` and `closeCode`, has failed, still lets replies to the events before the
 * error go out, and the next `takeOutgoing()` releases a Close frame carrying that code (masked if
 * it is a client), after which the connection is closed. The caller may check the events that
 * came before.
 */
export function assertFails(conn: Connection, bytes: Uint8Array, code: ProtocolErrorCode, closeCode: number): ConnectionEvent[] {
  conn.receiveData(Buffer.from(bytes));
  const events = conn.takeEvents();
  const errors = events.filter((event) => event.type === 'error');
  assert.equal(errors.length, 1, `expected one error event, got ${JSON.stringify(plain(events))}`);
  const error = errors[0]!.type === 'error' ? errors[0]!.error : undefined;
  assert.ok(error);
  assert.equal(error.code, code);
  assert.equal(error.closeCode, closeCode);
  assert.equal(error.name, 'ProtocolError');
  assert.ok(error.message.length > 0);
  assert.equal(conn.hasFailed, true);
  // Until the Close is released, replies may still be queued ahead of it; TCP stays open.
  if (conn.sentClose === undefined) {
    assert.equal(conn.readyState, 'closing');
    assert.equal(conn.canSend, true);
    assert.equal(conn.shouldCloseTransport, false);
  }
  assertCloseFrame(conn, closeCode);
  assert.equal(conn.readyState, 'closed');
  assert.equal(conn.canSend, false);
  assert.equal(conn.shouldCloseTransport, true);
  assert.deepEqual(conn.sentClose?.code, closeCode);
  // RFC 6455 §7.1.7: once failed, the endpoint "MUST NOT continue to attempt to process data".
  conn.receiveData(hex(conn.role === 'server' ? '8185 00000000 48656c6c6f' : '8105 48656c6c6f'));
  assert.deepEqual(conn.takeEvents(), []);
  assert.deepEqual(conn.takeOutgoing(), []);
  return events;
}

/** The connection queued exactly one frame, a Close with this code, masked iff it is a client. */
export function assertCloseFrame(conn: Connection, closeCode: number): ParsedFrame {
  const sent = frames(outgoing(conn));
  assert.equal(sent.length, 1, 'expected exactly one outgoing frame');
  const frame = sent[0]!;
  assert.equal(frame.opcode, 0x8);
  assert.equal(frame.fin, true);
  assert.equal(frame.masked, conn.role === 'client');
  assert.ok(frame.payload.length >= 2 && frame.payload.length <= 125);
  assert.equal(frame.payload.readUInt16BE(0), closeCode);
  return frame;
}

type FrameBits = { fin?: boolean; rsv1?: boolean; rsv2?: boolean; rsv3?: boolean };

/** A frame sent by a client: masked with the RFC 6455 §5.7 key. */
export function clientFrame(opcode: number, payload: Uint8Array | string = '', fields: FrameBits = {}): Buffer {
  return peerFrame(true, opcode, payload, fields);
}

/** A frame sent by a server: never masked. */
export function serverFrame(opcode: number, payload: Uint8Array | string = '', fields: FrameBits = {}): Buffer {
  return peerFrame(false, opcode, payload, fields);
}

function peerFrame(masked: boolean, opcode: number, payload: Uint8Array | string, fields: FrameBits): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return serializeFrame({ opcode, payload: bytes, ...fields, ...(masked ? { maskKey: RFC_MASK_KEY } : {}) });
}
