import { Buffer } from 'node:buffer';
import { parseHttpHead } from '../protocol/http-head.js';
import type { HeaderPairs } from './events.js';

export interface HeadText {
  startLine: [string, string, string];
  headers: HeaderPairs;
}

const LIMITS = { maxHeaderSize: Number.MAX_SAFE_INTEGER, maxHeaderCount: Number.MAX_SAFE_INTEGER };

/**
 * The start line and header fields of an HTTP message we wrote ourselves (a request or a
 * response, perhaps with a body after the head): what a handshake event records.
 */
export function readHeadText(message: string): HeadText {
  const end = message.indexOf('\r\n\r\n');
  const head = parseHttpHead(Buffer.from(end === -1 ? `${message}\r\n\r\n` : message.slice(0, end + 4), 'latin1'), LIMITS);
  return { startLine: head.startLine, headers: head.rawHeaders };
}
