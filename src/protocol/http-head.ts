import { HandshakeError } from './errors.js';

/**
 * A linear-time parser for the head of an HTTP/1.1 request or response (RFC 9112), enough for
 * the WebSocket opening handshake. It scans each byte a bounded number of times and uses no
 * regular expressions on attacker input, so a hostile head costs time proportional to its size.
 */
export interface HttpHead {
  /** Request: method, target, version. Response: version, status, reason. */
  startLine: [string, string, string];
  /** Header fields in arrival order, names as sent. */
  rawHeaders: Array<[string, string]>;
  /** Lower-cased name → values in arrival order. */
  headers: Map<string, string[]>;
}

export interface HeadLimits {
  /** Bytes of the whole head, terminator included. Over it: 431. */
  maxHeaderSize: number;
  /** Header fields. Over it: 431. */
  maxHeaderCount: number;
}

export const DEFAULT_HEAD_LIMITS: HeadLimits = { maxHeaderSize: 16 * 1024, maxHeaderCount: 100 };

/**
 * Accumulates bytes until the blank line that ends the head. Each byte is copied and searched
 * once (the search resumes 3 bytes back, for a terminator cut in two), and no more than
 * `maxHeaderSize` bytes are ever held, however the peer slices its writes.
 */
export class HeadReader {
  private buffer = Buffer.allocUnsafe(1024);
  private size = 0;

  constructor(private readonly limits: HeadLimits = DEFAULT_HEAD_LIMITS) {}

  /**
   * Returns the head and the bytes after it (a view into `chunk`) once the terminator has
   * arrived, undefined before. Throws HandshakeError 431 as soon as the head outgrows its limit.
   */
  push(chunk: Buffer): { head: Buffer; rest: Buffer } | undefined {
    const before = this.size;
    const take = Math.min(chunk.length, this.limits.maxHeaderSize - before);
    if (before + take > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(this.buffer.length * 2, before + take), this.limits.maxHeaderSize));
      this.buffer.copy(grown, 0, 0, before);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, before, 0, take);
    this.size += take;
    const end = this.buffer.subarray(0, this.size).indexOf(TERMINATOR, Math.max(0, before - 3));
    if (end === -1) {
      if (this.size >= this.limits.maxHeaderSize) throw tooLarge(`head over ${this.limits.maxHeaderSize} bytes`);
      return undefined;
    }
    const headEnd = end + 4;
    return { head: this.buffer.subarray(0, headEnd), rest: chunk.subarray(headEnd - before) };
  }
}

const TERMINATOR = Buffer.from('\r\n\r\n');

function tooLarge(message: string): HandshakeError {
  return new HandshakeError('WS_ERR_HEADERS_TOO_LARGE', 431, message);
}

function malformed(message: string): HandshakeError {
  return new HandshakeError('WS_ERR_MALFORMED_HTTP', 400, message);
}

/** Parse a complete head (ending in CRLF CRLF). Throws HandshakeError 400/431. */
export function parseHttpHead(bytes: Buffer, limits: HeadLimits = DEFAULT_HEAD_LIMITS): HttpHead {
  // latin1 maps bytes 1:1 to code units, so no byte is lost or merged before we check it.
  const text = bytes.toString('latin1');
  const lines = text.split('\r\n');
  // The head ends in CRLF CRLF: the last two entries are empty.
  lines.length -= 2;
  const start = lines[0] ?? '';
  const firstSpace = start.indexOf(' ');
  const secondSpace = firstSpace === -1 ? -1 : start.indexOf(' ', firstSpace + 1);
  if (firstSpace <= 0 || secondSpace === -1) throw malformed('malformed start line');
  const startLine: [string, string, string] = [start.slice(0, firstSpace), start.slice(firstSpace + 1, secondSpace), start.slice(secondSpace + 1)];
  if (lines.length - 1 > limits.maxHeaderCount) throw tooLarge(`over ${limits.maxHeaderCount} header fields`);
  const rawHeaders: Array<[string, string]> = [];
  const headers = new Map<string, string[]>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    // RFC 9112 §5.2: obsolete line folding (a line starting with whitespace) is rejected.
    if (colon <= 0) throw malformed(`malformed header line ${i}`);
    const name = line.slice(0, colon);
    if (!isToken(name)) throw malformed(`invalid header name on line ${i}`);
    const value = trimOws(line.slice(colon + 1));
    if (!isFieldValue(value)) throw malformed(`invalid character in header ${name}`);
    rawHeaders.push([name, value]);
    const key = name.toLowerCase();
    const list = headers.get(key);
    if (list) list.push(value);
    else headers.set(key, [value]);
  }
  return { startLine, rawHeaders, headers };
}

/** RFC 9110 §5.6.2 token characters. */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    if (TOKEN_CHARS[text.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

const TOKEN_CHARS = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(ch)) TOKEN_CHARS[c] = 1;
}

/** Field values may hold visible characters, spaces, tabs and obs-text, never CR, LF or NUL. */
function isFieldValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return text.slice(start, end);
}

/** Split a comma-separated header list (RFC 9110 §5.6.1) into trimmed, non-empty elements. */
export function splitList(values: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const value of values ?? []) {
    for (const part of value.split(',')) {
      const item = trimOws(part);
      if (item) out.push(item);
    }
  }
  return out;
}
