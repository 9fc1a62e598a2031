/**
 * Frames as bytes, valid or not, for the fault steps: any opcode, FIN, RSV bits, masked or
 * not, and a declared length that may differ from the payload's real one, in any of the three
 * length forms (RFC 6455 §5.2), minimal or not. Pure: the caller gives the mask key.
 *
 * The engine's own writer (`encodeFrameHeader`) always declares the real length; a peer under
 * test also has to survive a header that lies, so this builder is a separate one.
 */
import { Buffer } from 'node:buffer';

/** The three forms of RFC 6455 §5.2's payload length: 7 bits, 7+16 bits (126), 7+64 bits (127). */
export type LengthForm = 7 | 16 | 64;

export interface WireFrame {
  /** 0-15, reserved ones included. */
  opcode: number;
  /** Default true. */
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  /** The bytes that follow the header (unmasked; masked here when `maskKey` is given). */
  payload?: Uint8Array;
  /** A 4-byte key: the MASK bit is set and the payload masked with it. Absent: unmasked. */
  maskKey?: Uint8Array;
  /** The length the header claims; default the payload's. Up to 2^64 - 1 (a bigint past 2^53). */
  declaredLength?: number | bigint;
  /** The length form; default the minimal one for the declared length. */
  lengthForm?: LengthForm;
}

const MAX_FORM_LENGTH: Record<LengthForm, bigint> = { 7: 125n, 16: 0xffffn, 64: 0xffff_ffff_ffff_ffffn };

/** A frame spec that cannot be put into bytes at all (a 4-bit opcode of 16, a length past its form). */
export class WireFrameError extends Error {
  override readonly name = 'WireFrameError';
}

function minimalForm(length: bigint): LengthForm {
  return length <= 125n ? 7 : length <= 0xffffn ? 16 : 64;
}

/** The frame header alone: what `buildFrame` puts before the payload. */
export function buildFrameHeader(frame: WireFrame): Buffer {
  const { opcode } = frame;
  if (!Number.isInteger(opcode) || opcode < 0 || opcode > 15) throw new WireFrameError(`opcode ${opcode} does not fit in 4 bits (0-15)`);
  const declared = BigInt(frame.declaredLength ?? frame.payload?.length ?? 0);
  if (declared < 0n) throw new WireFrameError(`a declared length cannot be negative (${declared})`);
  const form = frame.lengthForm ?? minimalForm(declared);
  if (declared > MAX_FORM_LENGTH[form]) {
    throw new WireFrameError(`a declared length of ${declared} does not fit the ${form}-bit length form (at most ${MAX_FORM_LENGTH[form]})`);
  }
  const key = frame.maskKey;
  if (key !== undefined && key.length !== 4) throw new WireFrameError(`a mask key is 4 bytes, not ${key.length}`);
  const lengthBytes = form === 7 ? 0 : form === 16 ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (key ? 4 : 0));
  header[0] = ((frame.fin ?? true) ? 0x80 : 0) | (frame.rsv1 ? 0x40 : 0) | (frame.rsv2 ? 0x20 : 0) | (frame.rsv3 ? 0x10 : 0) | opcode;
  const maskBit = key ? 0x80 : 0;
  if (form === 7) header[1] = maskBit | Number(declared);
  else if (form === 16) {
    header[1] = maskBit | 126;
    header.writeUInt16BE(Number(declared), 2);
  } else {
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(declared, 2);
  }
  if (key) header.set(key, 2 + lengthBytes);
  return header;
}

/** Header and payload in one buffer; the payload masked with `maskKey` when there is one (the caller's bytes are left alone). */
export function buildFrame(frame: WireFrame): Buffer {
  const header = buildFrameHeader(frame);
  const payload = frame.payload ?? new Uint8Array(0);
  const out = Buffer.alloc(header.length + payload.length);
  out.set(header, 0);
  out.set(payload, header.length);
  const key = frame.maskKey;
  if (key) {
    // RFC 6455 §5.3: "octet i of the transformed data is the XOR of octet i of the original data with octet at index i modulo 4 of the masking key"
    for (let i = 0; i < payload.length; i++) out[header.length + i]! ^= key[i & 3]!;
  }
  return out;
}

/**
 * A Close payload with any code (RFC 6455 §5.5.1: 2 bytes, big-endian), even one no endpoint
 * may send (1005, 1006, 999, 5000...), and a reason as bytes (so it can be invalid UTF-8 too).
 */
export function closePayload(code: number, reason: Uint8Array = new Uint8Array(0)): Buffer {
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) throw new WireFrameError(`close code ${code} does not fit in a Close frame's 2 bytes (0-65535)`);
  const payload = Buffer.alloc(2 + reason.length);
  payload.writeUInt16BE(code, 0);
  payload.set(reason, 2);
  return payload;
}

/** Hex as written by a person: `81 05`, `0x8105`, `81:05`; whitespace, colons and one 0x prefix allowed. */
export function parseHex(text: string): Buffer {
  const hex = text.replace(/^0x/i, '').replace(/[\s:]+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new WireFrameError(`'${text}' is not hex bytes (e.g. "81 05 48 65 6c 6c 6f")`);
  return Buffer.from(hex, 'hex');
}
