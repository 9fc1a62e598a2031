/**
 * The small language every peer's client speaks: a list of steps, run in order, and a report of
 * what the client saw. The same script runs in Node (ws), Python (websockets) and Chromium, so
 * one case is written once and checked against every peer.
 */

/** Text as is, or bytes made from (size, seed) so that 1 MiB never travels through argv or JSON. */
export type Payload = { text: string } | { bytes: { size: number; seed: number } };

export type ClientStep =
  | { op: 'send'; payload: Payload }
  /** One message in several frames, where the peer's API can send fragments. */
  | { op: 'sendFragments'; pieces: Payload[] }
  /** Wait for the next message and report it. */
  | { op: 'recv' }
  /** Ping with this payload and report the pong. */
  | { op: 'ping'; data: string }
  /** Start the closing handshake (no code: an empty Close frame) and wait for the end. */
  | { op: 'close'; code?: number; reason?: string }
  /** Wait for the server to close. */
  | { op: 'waitClose' };

export interface ClientScript {
  protocols?: string[];
  steps: ClientStep[];
}

export type ClientEvent =
  | { event: 'open'; protocol: string }
  | { event: 'message'; kind: 'text' | 'binary'; text?: string; length: number; crc32: number }
  | { event: 'pong'; data: string }
  | { event: 'close'; code: number; reason: string }
  | { event: 'error'; message: string };

/** What a peer's server saw on one connection (the one opened with `?id=`). */
export interface ServerReport {
  id: string;
  path: string;
  protocol: string;
  /** The close code the peer received (1005: an empty Close, 1006: none). */
  closeCode: number;
  closeReason: string;
}

/**
 * Deterministic bytes: every peer makes the same ones from (size, seed). Self-contained (no
 * closure, no Buffer) because its source is also evaluated inside Chromium.
 */
export function patternBytes(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

export function payloadBytes(payload: Payload): Buffer {
  if ('text' in payload) return Buffer.from(payload.text);
  const bytes = patternBytes(payload.bytes.size, payload.bytes.seed);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * CRC-32 (zlib's; Python uses zlib.crc32), so that a 1 MiB message is reported in a few bytes.
 * Self-contained for the same reason as patternBytes.
 */
export function crc32(bytes: Uint8Array): number {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The report a client gives for a message carrying this payload. */
export function expectedMessage(payload: Payload): ClientEvent {
  return messageEvent(payloadBytes(payload), !('text' in payload));
}

/** The report a client gives for a message of these bytes. */
export function messageEvent(data: Buffer, binary: boolean): ClientEvent {
  return binary
    ? { event: 'message', kind: 'binary', length: data.length, crc32: crc32(data) }
    : { event: 'message', kind: 'text', text: data.toString(), length: data.length, crc32: crc32(data) };
}
