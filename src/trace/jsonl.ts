import type { TraceEvent } from './events.js';
import { TraceFormatError, validateTraceEvent } from './validate.js';

/**
 * JSON Lines (https://jsonlines.org): one event per line. JSON.stringify escapes every control
 * character, so a text message with a newline stays on its one line; NEL, LINE SEPARATOR and
 * PARAGRAPH SEPARATOR are escaped too, as some readers (Python's `str.splitlines`) end lines there.
 */
export function encodeTraceLine(event: TraceEvent): string {
  const json = JSON.stringify(event);
  return `${UNICODE_LINE_BREAK.test(json) ? json.replace(UNICODE_LINE_BREAKS, escapeLineBreak) : json}\n`;
}

const UNICODE_LINE_BREAK = /[\u0085\u2028\u2029]/;
const UNICODE_LINE_BREAKS = /[\u0085\u2028\u2029]/g;

function escapeLineBreak(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

export function encodeJsonl(events: Iterable<TraceEvent>): string {
  let out = '';
  for (const event of events) out += encodeTraceLine(event);
  return out;
}

/** One line of a JSONL trace, checked; `line` (1-based) goes into the error message. */
export function parseTraceLine(text: string, line?: number): TraceEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TraceFormatError(`not JSON: ${(error as Error).message}`, line);
  }
  try {
    return validateTraceEvent(value);
  } catch (error) {
    if (error instanceof TraceFormatError && line !== undefined) throw new TraceFormatError(error.message, line);
    throw error;
  }
}

/** A whole JSONL trace: blank lines (and a last line without its newline, or with CRLF ends) are fine. */
export function decodeJsonl(text: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    events.push(parseTraceLine(line, i + 1));
  }
  return events;
}
