import { Buffer } from 'node:buffer';
import { ProtocolError } from './errors.js';
import { applyMask } from './mask.js';

/** RFC 6455 §5.2 base framing, as read off the wire (before any validation by role or state). */
export interface FrameHeader {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  /** Present when `masked`. */
  maskKey: Uint8Array | undefined;
  payloadLength: number;
  headerLength: number;
}

/** A frame to put on the wire. Nothing is checked: raw mode relies on that to send invalid frames. */
export interface OutgoingFrame {
  opcode: number;
  payload?: Uint8Array;
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  /** A 4-byte key masks the payload; absent means an unmasked frame. */
  maskKey?: Uint8Array | undefined;
  /**
   * Force the length field's width (7, 16 or 64 bits). RFC 6455 §5.2 requires the minimal one;
   * testers use this to send non-minimal lengths on purpose.
   */
  lengthEncoding?: 7 | 16 | 64;
}

/** The length of a frame header from its second byte: 2, 4 or 10, plus 4 for a mask key. */
export function headerLengthFromSecondByte(secondByte: number): number {
  const len7 = secondByte & 0x7f;
  const base = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
  return secondByte & 0x80 ? base + 4 : base;
}

/**
 * Parse a complete header (`bytes` holds at least `headerLengthFromSecondByte(bytes[1])` bytes).
 * Throws only for lengths the wire format itself forbids; rules that depend on role, state or
 * extensions belong to the connection.
 */
export function parseFrameHeader(bytes: Uint8Array): FrameHeader {
  const header = blankFrameHeader();
  readFrameHeader(bytes, 0, header, new Uint8Array(4));
  return header;
}

/** A header for `readFrameHeader` to fill: every field present, so it keeps one shape however it is filled. */
export function blankFrameHeader(): FrameHeader {
  return { fin: false, rsv1: false, rsv2: false, rsv3: false, opcode: 0, masked: false, maskKey: undefined, payloadLength: 0, headerLength: 0 };
}

/**
 * `parseFrameHeader` without allocating, for the receive loop: reads the header starting at
 * `at` into `header`, and a mask key into `keyBytes` (then `header.maskKey === keyBytes`).
 */
export function readFrameHeader(bytes: Uint8Array, at: number, header: FrameHeader, keyBytes: Uint8Array): void {
  const b0 = bytes[at]!;
  const b1 = bytes[at + 1]!;
  const masked = (b1 & 0x80) !== 0;
  const len7 = b1 & 0x7f;
  let payloadLength = len7;
  let offset = at + 2;
  if (len7 === 126) {
    payloadLength = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    offset = at + 4;
    // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length"
    if (payloadLength < 126) throw new ProtocolError('WS_ERR_NON_MINIMAL_LENGTH', 'payload length not minimally encoded');
  } else if (len7 === 127) {
    const high = ((bytes[at + 2]! << 24) | (bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!) >>> 0;
    const low = ((bytes[at + 6]! << 24) | (bytes[at + 7]! << 16) | (bytes[at + 8]! << 8) | bytes[at + 9]!) >>> 0;
    offset = at + 10;
    // RFC 6455 §5.2: "the most significant bit MUST be 0"
    if (high & 0x80000000) throw new ProtocolError('WS_ERR_INVALID_PAYLOAD_LENGTH', 'payload length has its most significant bit set');
    // Beyond 2^53 - 1 bytes a length cannot be counted exactly, and no limit would allow it anyway.
    if (high > 0x1fffff) throw new ProtocolError('WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 'payload length over 2^53 - 1');
    payloadLength = high * 0x100000000 + low;
    if (payloadLength <= 0xffff) throw new ProtocolError('WS_ERR_NON_MINIMAL_LENGTH', 'payload length not minimally encoded');
  }
  if (masked) {
    keyBytes[0] = bytes[offset]!;
    keyBytes[1] = bytes[offset + 1]!;
    keyBytes[2] = bytes[offset + 2]!;
    keyBytes[3] = bytes[offset + 3]!;
  }
  header.fin = (b0 & 0x80) !== 0;
  header.rsv1 = (b0 & 0x40) !== 0;
  header.rsv2 = (b0 & 0x20) !== 0;
  header.rsv3 = (b0 & 0x10) !== 0;
  header.opcode = b0 & 0x0f;
  header.masked = masked;
  header.maskKey = masked ? keyBytes : undefined;
  header.payloadLength = payloadLength;
  header.headerLength = (masked ? offset + 4 : offset) - at;
}

/** Encode just the header, so a large unmasked payload can be written after it without a copy. */
export function encodeFrameHeader(frame: OutgoingFrame, payloadLength: number): Buffer {
  const encoding = frame.lengthEncoding ?? (payloadLength < 126 ? 7 : payloadLength <= 0xffff ? 16 : 64);
  const lengthBytes = encoding === 7 ? 0 : encoding === 16 ? 2 : 8;
  const maskBytes = frame.maskKey ? 4 : 0;
  const header = Buffer.allocUnsafe(2 + lengthBytes + maskBytes);
  header[0] = ((frame.fin ?? true) ? 0x80 : 0) | (frame.rsv1 ? 0x40 : 0) | (frame.rsv2 ? 0x20 : 0) | (frame.rsv3 ? 0x10 : 0) | (frame.opcode & 0x0f);
  const maskBit = maskBytes ? 0x80 : 0;
  if (encoding === 7) {
    header[1] = maskBit | payloadLength;
  } else if (encoding === 16) {
    header[1] = maskBit | 126;
    header.writeUInt16BE(payloadLength, 2);
  } else {
    header[1] = maskBit | 127;
    header.writeUInt32BE(Math.floor(payloadLength / 0x100000000), 2);
    header.writeUInt32BE(payloadLength >>> 0, 6);
  }
  if (frame.maskKey) header.set(frame.maskKey.subarray(0, 4), 2 + lengthBytes);
  return header;
}

/**
 * Serialize a whole frame into one buffer. With a mask key the payload is copied and masked
 * (the caller's bytes are never changed).
 */
export function serializeFrame(frame: OutgoingFrame): Buffer {
  const payload = frame.payload ?? EMPTY;
  const header = encodeFrameHeader(frame, payload.length);
  const out = Buffer.allocUnsafe(header.length + payload.length);
  out.set(header, 0);
  out.set(payload, header.length);
  if (frame.maskKey) applyMask(out.subarray(header.length), frame.maskKey);
  return out;
}

export interface ParsedFrame extends FrameHeader {
  /** Unmasked payload. */
  payload: Buffer;
}

/**
 * Parse one whole frame from the start of `bytes`, for tests, fixtures and tools.
 * Returns undefined when `bytes` does not yet hold the whole frame. Never changes `bytes`.
 */
export function parseFrame(bytes: Uint8Array): { frame: ParsedFrame; size: number } | undefined {
  if (bytes.length < 2) return undefined;
  const headerLength = headerLengthFromSecondByte(bytes[1]!);
  if (bytes.length < headerLength) return undefined;
  const header = parseFrameHeader(bytes);
  const size = headerLength + header.payloadLength;
  if (bytes.length < size) return undefined;
  const payload = Buffer.from(bytes.subarray(headerLength, size));
  if (header.maskKey) applyMask(payload, header.maskKey);
  return { frame: { ...header, payload }, size };
}

const EMPTY = new Uint8Array(0);

/** The header size of a frame with minimal length encoding: 2, 4 or 10 bytes, plus 4 with a mask key. */
export function frameHeaderLength(payloadLength: number, masked: boolean): number {
  const base = payloadLength < 126 ? 2 : payloadLength <= 0xffff ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Write a header with minimal length encoding into `out` at `at` (the send path's version of
 * `encodeFrameHeader`: no options object, no buffer of its own). Returns the header's length.
 */
export function writeFrameHeader(
  out: Uint8Array,
  at: number,
  opcode: number,
  fin: boolean,
  rsv1: boolean,
  payloadLength: number,
  maskKey: Uint8Array | undefined,
): number {
  out[at] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (opcode & 0x0f);
  const maskBit = maskKey ? 0x80 : 0;
  let i = at + 2;
  if (payloadLength < 126) {
    out[at + 1] = maskBit | payloadLength;
  } else if (payloadLength <= 0xffff) {
    out[at + 1] = maskBit | 126;
    out[at + 2] = payloadLength >>> 8;
    out[at + 3] = payloadLength & 0xff;
    i = at + 4;
  } else {
    out[at + 1] = maskBit | 127;
    const high = Math.floor(payloadLength / 0x100000000);
    const low = payloadLength >>> 0;
    out[at + 2] = high >>> 24;
    out[at + 3] = (high >>> 16) & 0xff;
    out[at + 4] = (high >>> 8) & 0xff;
    out[at + 5] = high & 0xff;
    out[at + 6] = low >>> 24;
    out[at + 7] = (low >>> 16) & 0xff;
    out[at + 8] = (low >>> 8) & 0xff;
    out[at + 9] = low & 0xff;
    i = at + 10;
  }
  if (maskKey) {
    out[i] = maskKey[0]!;
    out[i + 1] = maskKey[1]!;
    out[i + 2] = maskKey[2]!;
    out[i + 3] = maskKey[3]!;
    i += 4;
  }
  return i - at;
}
