import { Buffer } from 'node:buffer';
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

/** Which start line a head opens with: a request line (servers read these) or a status line (clients). */
export type HeadKind = 'request' | 'response';

/**
 * Accumulates bytes until the blank line that ends the head. Each byte is copied and checked
 * once, and no more than `maxHeaderSize` bytes are ever held, however the peer slices its
 * writes. A head that cannot become valid fails at its first bad byte instead of waiting for a
 * terminator that may never come: bare LF or bare CR line ends (RFC 9112 §2.2, a parser that
 * accepts them reads lines differently from one that does not, the root of request smuggling),
 * control characters, and a first line that is not a request line or status line.
 */
export class HeadReader {
  private buffer = Buffer.allocUnsafe(1024);
  private size = 0;
  /** Where the line being read starts, and whether the previous byte was a CR. */
  private lineStart = 0;
  private afterCr = false;
  private startLineDone = false;

  /** `kind` also checks the first line as it arrives; without it, either kind of head is read. */
  constructor(
    private readonly limits: HeadLimits = DEFAULT_HEAD_LIMITS,
    private readonly kind?: HeadKind,
  ) {}

  /**
   * Returns the head and the bytes after it (a view into `chunk`) once the terminator has
   * arrived, undefined before. Throws HandshakeError 431 as soon as the head outgrows its
   * limit, 400 as soon as it cannot be a valid head.
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
    const headEnd = this.scan(before, before + take);
    if (headEnd === -1) {
      this.size += take;
      // The method and the start of the target, where garbage shows, are in the first bytes;
      // checking only those keeps a target dripped byte by byte linear.
      if (!this.startLineDone && before < EARLY_CHECK_BYTES) this.checkStartLine(this.afterCr ? this.size - 1 : this.size, false);
      if (this.size >= this.limits.maxHeaderSize) throw tooLarge(`head over ${this.limits.maxHeaderSize} bytes`);
      return undefined;
    }
    this.size = headEnd;
    return { head: this.buffer.subarray(0, headEnd), rest: chunk.subarray(headEnd - before) };
  }

  /** Check bytes [from, to) of the buffer; returns the end of the head when its blank line is among them, else -1. */
  private scan(from: number, to: number): number {
    const buffer = this.buffer;
    for (let i = from; i < to; i++) {
      const byte = buffer[i]!;
      if (this.afterCr) {
        if (byte !== LF) throw malformed('bare CR in the head (lines end in CRLF)');
        this.afterCr = false;
        const lineLength = i - 1 - this.lineStart;
        this.lineStart = i + 1;
        if (!this.startLineDone) {
          this.checkStartLine(i - 1, true);
          this.startLineDone = true;
        } else if (lineLength === 0) return i + 1;
      } else if (byte === CR) this.afterCr = true;
      else if (byte === LF) throw malformed('bare LF in the head (lines end in CRLF)');
      else if ((byte < 0x20 && byte !== TAB) || byte === DEL) throw malformed(`control character 0x${byte.toString(16).padStart(2, '0')} in the head`);
    }
    return -1;
  }

  /** The first line, so far (`complete`: its CRLF has arrived), must be able to become a start line of our kind. */
  private checkStartLine(end: number, complete: boolean): void {
    if (this.kind === undefined) return;
    const line = this.buffer.toString('latin1', 0, end);
    const problem = this.kind === 'request' ? requestLineProblem(line, complete) : statusLinePrefixProblem(line);
    if (problem) throw malformed(problem);
  }
}

const EARLY_CHECK_BYTES = 64;
const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const DEL = 0x7f;

/**
 * RFC 9112 §3: request-line = method SP request-target SP HTTP-version. Checked left to right,
 * so a prefix of a valid line passes with `complete` false and garbage fails at its first byte.
 * The target may hold no control character (the caller has already refused CR, LF, NUL...), so
 * it ends at the next space.
 */
export function requestLineProblem(line: string, complete: boolean): string | undefined {
  const firstSpace = line.indexOf(' ');
  const method = firstSpace === -1 ? line : line.slice(0, firstSpace);
  if (!isTokenPrefix(method) || firstSpace === 0) return 'not an HTTP request line';
  if (firstSpace === -1) return complete ? 'malformed start line' : undefined;
  const secondSpace = line.indexOf(' ', firstSpace + 1);
  if (secondSpace === firstSpace + 1) return 'malformed start line';
  if (secondSpace === -1) return complete ? 'malformed start line' : undefined;
  const version = line.slice(secondSpace + 1);
  if (!isVersionPrefix(version) || (complete && version.length !== VERSION_SHAPE.length)) return 'malformed start line';
  return undefined;
}

/** RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT; 'd' stands for a digit. */
const VERSION_SHAPE = 'HTTP/d.d';

function isVersionPrefix(text: string): boolean {
  if (text.length > VERSION_SHAPE.length) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (VERSION_SHAPE[i] === 'd' ? c < 0x30 || c > 0x39 : text[i] !== VERSION_SHAPE[i]) return false;
  }
  return true;
}

const HTTP_VERSION = 'HTTP/';

/** A status line starts with "HTTP/": anything else (an SSH banner, a TLS record) is not an HTTP server. */
function statusLinePrefixProblem(line: string): string | undefined {
  const n = Math.min(line.length, HTTP_VERSION.length);
  return line.slice(0, n) === HTTP_VERSION.slice(0, n) ? undefined : 'not an HTTP response';
}

function isTokenPrefix(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (TOKEN_CHARS[text.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

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
