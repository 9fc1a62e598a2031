import { Buffer } from 'node:buffer';
import { describeCloseCode, isSendableCloseCode } from './close-codes.js';
import { ProtocolError } from './errors.js';
import { asBuffer } from './message-assembler.js';
import { isValidUtf8 } from './utf8.js';

// The payload of a Close frame (RFC 6455 §5.5.1), read and written.

/** RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less" — 2 go to the code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/** RFC 6455 §5.5.1: an optional 2-byte code, then an optional UTF-8 reason. */
export function decodeClosePayload(payload: Uint8Array): { code: number; reason: string } {
  if (payload.length === 0) return { code: 1005, reason: '' };
  if (payload.length === 1) throw new ProtocolError('WS_ERR_INVALID_CLOSE_PAYLOAD', 'close payload of 1 byte');
  const code = (payload[0]! << 8) | payload[1]!;
  if (!isSendableCloseCode(code)) {
    throw new ProtocolError('WS_ERR_INVALID_CLOSE_CODE', `invalid close code ${code} (${describeCloseCode(code).name})`);
  }
  const reasonBytes = payload.subarray(2);
  if (!isValidUtf8(reasonBytes)) throw new ProtocolError('WS_ERR_INVALID_UTF8', 'invalid UTF-8 in close reason');
  return { code, reason: asBuffer(reasonBytes).toString('utf8') };
}

/** Build a Close payload, refusing codes that may not be sent and reasons over 123 bytes. */
export function encodeClosePayload(code: number | undefined, reason: string): Uint8Array {
  if (code === undefined) {
    if (reason) throw new TypeError('a close reason needs a close code');
    return EMPTY;
  }
  if (!isSendableCloseCode(code)) {
    throw new RangeError(`close code ${code} may not be sent (${describeCloseCode(code).meaning})`);
  }
  const reasonLength = Buffer.byteLength(reason);
  if (reasonLength > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(`close reason is ${reasonLength} bytes of UTF-8; the limit is ${MAX_CLOSE_REASON_BYTES}`);
  }
  const payload = Buffer.allocUnsafe(2 + reasonLength);
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}

/** Cut a string to at most `limit` bytes of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text;
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > limit) break;
    out += char;
    bytes += size;
  }
  return out;
}

const EMPTY = new Uint8Array(0);
