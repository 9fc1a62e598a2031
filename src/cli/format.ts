/** How messages, frames and closes look on screen: pure functions from values to text. */
import { Buffer } from 'node:buffer';
import { describeCloseCode, opcodeName, type MessageInfo, type ObservedFrame } from '../index.js';
import type { Palette } from './terminal/colors.js';
import { escapeControls } from './terminal/escape.js';

export type BinaryView = 'hex' | 'base64' | 'utf8';

/** `closed 1008 Policy Violation: "token expired"`; with the agreed subprotocol, its own codes' names (4403 Forbidden). */
export function formatClose(code: number, reason: string, subprotocol?: string): string {
  const head = `closed ${code} ${describeCloseCode(code, subprotocol).name}`;
  return reason ? `${head}: ${JSON.stringify(reason)}` : head;
}

/** `12:04:05.123 ` in local time, for --timestamps. */
export function formatTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** A hex dump in the shape of `xxd`/`hexdump -C`: offset, 16 bytes, printable ASCII. */
export function hexDump(data: Uint8Array): string[] {
  const lines: string[] = [];
  for (let offset = 0; offset < data.length; offset += 16) {
    const row = data.subarray(offset, offset + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  return lines;
}

/** A binary message for the terminal: a tag with its size, then the chosen view. */
export function formatBinary(data: Buffer, view: BinaryView): string[] {
  const tag = `[binary ${data.length} B]`;
  if (data.length === 0) return [tag];
  switch (view) {
    case 'base64':
      return [`${tag} ${data.toString('base64')}`];
    case 'utf8':
      return [`${tag} ${escapeControls(data.toString('utf8'))}`];
    case 'hex':
      return [tag, ...hexDump(data)];
  }
}

/** Pretty-print a JSON text with colours; undefined when it is not JSON. */
export function formatJson(text: string, colors: Palette): string[] | undefined {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return colorJson(value, colors, '').split('\n');
}

function colorJson(value: unknown, colors: Palette, indent: string): string {
  if (value === null) return colors.literal('null');
  // JSON.stringify escapes C0 but leaves DEL and C1 as they are: the terminal must not see them.
  if (typeof value === 'string') return colors.string(escapeControls(JSON.stringify(value)));
  if (typeof value === 'number') return colors.number(String(value));
  if (typeof value === 'boolean') return colors.literal(String(value));
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + colorJson(item, colors, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${colors.key(escapeControls(JSON.stringify(k)))}: ${colorJson(v, colors, inner)}`).join(',\n')}\n${indent}}`;
}

/** One line per frame for --show-frames: direction, opcode, FIN, RSV bits, mask and length. */
export function formatFrame(frame: ObservedFrame): string {
  const arrow = frame.direction === 'in' ? '<' : '>';
  const rsv = `${frame.rsv1 ? 1 : 0}${frame.rsv2 ? 1 : 0}${frame.rsv3 ? 1 : 0}`;
  const mask = frame.maskKey ? ` mask=${Buffer.from(frame.maskKey).toString('hex')}` : '';
  return `${arrow} frame ${opcodeName(frame.opcode)} fin=${frame.fin ? 1 : 0} rsv=${rsv}${mask} len=${frame.payloadLength}`;
}

/** `[deflate 21 → 3000 B]`: a compressed message's size on the wire and inflated, after its first line. */
export function formatCompressed(data: Buffer, info: MessageInfo | undefined): string {
  return info?.compressed ? `  [deflate ${info.wireLength} → ${data.length} B]` : '';
}

/**
 * The --show-frames line that ends a message on a connection with permessage-deflate agreed:
 * `< message text 3000 B (deflate, 21 B on the wire)` or `< message text 5 B (not compressed)`.
 */
export function formatMessageSummary(data: Buffer, isBinary: boolean, info: MessageInfo): string {
  const how = info.compressed ? `deflate, ${info.wireLength} B on the wire` : 'not compressed';
  return `< message ${isBinary ? 'binary' : 'text'} ${data.length} B (${how})`;
}

/** Control-frame payloads are short; show them as text when printable, else as hex. */
export function formatControlPayload(data: Buffer): string {
  if (data.length === 0) return '';
  const text = data.toString('utf8');
  return /^[\x20-\x7e\u00a0-\uffff]*$/.test(text) && !text.includes('\ufffd') ? JSON.stringify(text) : `0x${data.toString('hex')}`;
}
