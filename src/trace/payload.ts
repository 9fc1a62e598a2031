import { isValidUtf8 } from '../protocol/utf8.js';
import type { TraceEncoding } from './events.js';

/** `text`: known to be valid UTF-8; `binary`: a binary message; `bytes`: anything else. */
export type PayloadKind = 'text' | 'binary' | 'bytes';

/**
 * How payloads become JSON strings, and back. The rule, so that decoding always gives back the
 * exact bytes:
 * - a text message is `utf8`: the core has already checked it is valid UTF-8 (RFC 6455 §8.1);
 * - a binary message is always `base64`, even when its bytes happen to be valid UTF-8 (a reader
 *   must never mistake a binary message for text);
 * - any other payload (ping, pong, a text message we send from bytes the core has not checked) is
 *   `utf8` when its bytes are valid UTF-8 (then UTF-8 decoding and encoding are exact inverses,
 *   byte for byte), else `base64`.
 * Readers accept either encoding on any event.
 */
export function encodePayload(bytes: Uint8Array, kind: PayloadKind): { data: string; encoding: TraceEncoding } {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind === 'text' || (kind === 'bytes' && isValidUtf8(buffer))) return { data: buffer.toString('utf8'), encoding: 'utf8' };
  return { data: buffer.toString('base64'), encoding: 'base64' };
}

/**
 * A text message handed to `send()` as a string: what goes on the wire is its UTF-8 encoding,
 * where a lone surrogate becomes U+FFFD, so the trace shows that.
 */
export function wireText(text: string): string {
  // Any surrogate, paired or not, sends us the slow way; a paired one comes back unchanged.
  return SURROGATE.test(text) ? Buffer.from(text, 'utf8').toString('utf8') : text;
}

const SURROGATE = /[\ud800-\udfff]/;

/** The bytes an event's `data` stands for. */
export function decodePayload(data: string, encoding: TraceEncoding): Buffer {
  return Buffer.from(data, encoding);
}

/** RFC 4648 §4 base64, padded (what Buffer writes); Buffer's reader would skip anything else silently. */
export function isCanonicalBase64(data: string): boolean {
  return data.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(data);
}
