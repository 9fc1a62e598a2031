/**
 * Byte sequences that are not UTF-8, one per way of being wrong (RFC 3629 §3 and §10, as the
 * Autobahn suite's case 6 exercises them). A text message or a Close reason carrying one must
 * fail the connection: RFC 6455 §8.1, "When an endpoint is to interpret a byte stream as UTF-8
 * but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail
 * the WebSocket Connection_" (close code 1007, §7.4.1).
 */
import { Buffer } from 'node:buffer';

export const INVALID_UTF8 = {
  /** 0xFF never appears in UTF-8. */
  'invalid-byte': [0xff],
  /** A continuation byte with no lead byte before it. */
  'lone-continuation': [0x80],
  /** '/' encoded in two bytes instead of one (RFC 3629 §10: overlong forms are invalid). */
  overlong: [0xc0, 0xaf],
  /** U+D800, a UTF-16 surrogate: not a scalar value, so never encoded (RFC 3629 §3). */
  surrogate: [0xed, 0xa0, 0x80],
  /** U+110000, past the last code point U+10FFFF. */
  'too-high': [0xf4, 0x90, 0x80, 0x80],
  /** The first two bytes of '€' (E2 82 AC) and the message ends. */
  truncated: [0xe2, 0x82],
} as const satisfies Record<string, readonly number[]>;

export type InvalidUtf8Kind = keyof typeof INVALID_UTF8;

export const INVALID_UTF8_KINDS = Object.keys(INVALID_UTF8) as InvalidUtf8Kind[];

/** Valid text, then the bad sequence: a peer that checks only the first bytes is caught too. */
export function invalidUtf8Payload(kind: InvalidUtf8Kind, prefix = 'valid text, then: '): Buffer {
  return Buffer.concat([Buffer.from(prefix, 'utf8'), Buffer.from(INVALID_UTF8[kind])]);
}
