/** How values are shown: sizes, times, previews, hex dumps. */
import type { GraphqlMessageSummary } from '../../graphql/describe.js';
import type { RowEvent } from './model.js';

export function bytesOf(row: { data: string; encoding: 'utf8' | 'base64' }): Uint8Array {
  if (row.encoding === 'utf8') return new TextEncoder().encode(row.data);
  const binary = atob(row.data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** hh:mm:ss.mmm in local time. */
export function clock(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function delta(seconds: number): string {
  const ms = seconds * 1000;
  if (ms < 1) return `+${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `+${ms.toFixed(1)} ms`;
  return `+${(ms / 1000).toFixed(2)} s`;
}

export const OPCODE_NAMES: Record<number, string> = { 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

/** `graphql`: the row read as a message of its connection's GraphQL subprotocol, shown decoded first. */
export function preview(row: RowEvent, graphql?: GraphqlMessageSummary): string {
  if (row.event === 'close') return `${row.code} ${row.name}${row.reason ? `: ${row.reason}` : ''}`;
  if (row.encoding === 'base64') return hexPreview(bytesOf(row));
  if (graphql && graphql.problem === undefined) return graphqlPreview(graphql, row.data);
  return cut(row.data);
}

/** `subscribe #1 Counting {"query":…}`, `next #1 {"data":…}`, `ka`: what it is, then its payload. */
function graphqlPreview(graphql: GraphqlMessageSummary, data: string): string {
  const payload = (JSON.parse(data) as { payload?: unknown }).payload;
  const parts = [
    graphql.type,
    graphql.id === undefined ? undefined : `#${graphql.id}`,
    graphql.operationName,
    payload === undefined ? undefined : JSON.stringify(payload),
  ];
  return cut(parts.filter((part) => part !== undefined).join(' '));
}

function cut(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** `subscribe, id 1, subscription Counting`: the detail pane's line; `name` is the operation's, known from its subscribe. */
export function graphqlLine(graphql: GraphqlMessageSummary, name: string | undefined): string {
  if (graphql.problem !== undefined) return `not a message of this protocol: ${graphql.problem}`;
  const operation = [graphql.operation, graphql.operationName ?? name].filter((part) => part !== undefined).join(' ');
  return [graphql.type, graphql.id === undefined ? undefined : `id ${graphql.id}`, operation === '' ? undefined : operation]
    .filter((part) => part !== undefined)
    .join(', ');
}

function hexPreview(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > 32 ? `${shown} …` : shown;
}

/** 16 bytes a line: offset, hex, ASCII (dots for what is not printable); the first `limit` bytes only. */
export function hexDump(bytes: Uint8Array, limit = bytes.length): string {
  const lines: string[] = [];
  for (let offset = 0; offset < Math.min(bytes.length, limit); offset += 16) {
    const line = bytes.subarray(offset, offset + 16);
    const hex = Array.from(line, (b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = Array.from(line, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  return lines.join('\n');
}

/** One step of a JSONPath: an object's key or an array's index. */
export type JsonPathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$.items[2].name`; a key that is not an identifier is bracket-quoted: `$['a b']['it\'s']`. */
export function jsonPath(segments: readonly JsonPathSegment[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) path += `.${segment}`;
    else path += `['${segment.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return path;
}

/** What a tree node shows beside its key: a primitive as JSON (long strings cut), a container by its size. */
export function jsonSummary(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).length;
    return `{${keys} key${keys === 1 ? '' : 's'}}`;
  }
  const json = JSON.stringify(value);
  return json.length > 120 ? `${json.slice(0, 120)}…` : json;
}

/** The value, when the text is a JSON object or array (numbers and strings alone are not worth a tree). */
export function parseJson(text: string): { value: unknown } | undefined {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

export function base64Of(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its bytes as arguments, and a 1 MB message is too many.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Bytes as UTF-8 text, U+FFFD where they are not UTF-8 (a binary message read as text). */
export function textOf(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
