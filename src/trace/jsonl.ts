import type { AnyTraceEvent, TraceEvent } from './events.js';
import { TraceFormatError, type TraceReadOptions, validateTraceEvent } from './validate.js';

/**
 * JSON Lines (https://jsonlines.org): one event per line. JSON.stringify escapes every control
 * character, so a text message with a newline stays on its one line; NEL, LINE SEPARATOR and
 * PARAGRAPH SEPARATOR are escaped too, as some readers (Python's `str.splitlines`) end lines there.
 */
export function encodeTraceLine(event: AnyTraceEvent): string {
  const json = JSON.stringify(event);
  return `${UNICODE_LINE_BREAK.test(json) ? json.replace(UNICODE_LINE_BREAKS, escapeLineBreak) : json}\n`;
}

const UNICODE_LINE_BREAK = /[\u0085\u2028\u2029]/;
const UNICODE_LINE_BREAKS = /[\u0085\u2028\u2029]/g;

function escapeLineBreak(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

export function encodeJsonl(events: Iterable<AnyTraceEvent>): string {
  let out = '';
  for (const event of events) out += encodeTraceLine(event);
  return out;
}

/** One line of a JSONL trace, checked; `line` (1-based) goes into the error message. gRPC events only with `{ grpc: true }`. */
export function parseTraceLine(text: string, line?: number): TraceEvent;
export function parseTraceLine(text: string, line: number | undefined, options: TraceReadOptions): AnyTraceEvent;
export function parseTraceLine(text: string, line?: number, options: TraceReadOptions = {}): AnyTraceEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TraceFormatError(`not JSON: ${(error as Error).message}`, line);
  }
  try {
    return validateTraceEvent(value, options);
  } catch (error) {
    if (error instanceof TraceFormatError && line !== undefined) throw new TraceFormatError(error.message, line);
    throw error;
  }
}

/** A whole JSONL trace: blank lines (and a last line without its newline, or with CRLF ends) are fine. gRPC events only with `{ grpc: true }`. */
export function decodeJsonl(text: string): TraceEvent[];
export function decodeJsonl(text: string, options: TraceReadOptions): AnyTraceEvent[];
export function decodeJsonl(text: string, options: TraceReadOptions = {}): AnyTraceEvent[] {
  const events: AnyTraceEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    events.push(parseTraceLine(line, i + 1, options));
  }
  return events;
}
