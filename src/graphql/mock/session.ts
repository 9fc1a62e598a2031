/** What a protocol session needs of its connection, and what it offers: text in, text and a close out. */
import { Buffer } from 'node:buffer';
export interface SessionPeer {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface GraphqlSession {
  /** A text message from the client. */
  receive(text: string): void;
  /** A binary message: neither protocol has any. */
  receiveBinary(): void;
  /** The connection is gone: stop every operation and timer. */
  closed(): void;
}

/**
 * A close reason cut to RFC 6455 §5.5's limit: a control frame's payload is at most 125 bytes,
 * two of them the code, so the reason gets 123 bytes of UTF-8 — cut at a character's start.
 */
export function closeReason(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= 123) return text;
  let end = 120;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return `${bytes.subarray(0, end).toString('utf8')}...`;
}
