/** How values are shown: sizes, times, previews, hex dumps. */
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

export function preview(row: RowEvent): string {
  if (row.event === 'close') return `${row.code} ${row.name}${row.reason ? `: ${row.reason}` : ''}`;
  if (row.encoding === 'base64') return hexPreview(bytesOf(row));
  return row.data.length > 200 ? `${row.data.slice(0, 200)}…` : row.data;
}

function hexPreview(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > 32 ? `${shown} …` : shown;
}

/** 16 bytes a line: offset, hex, ASCII (dots for what is not printable). */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const line = bytes.subarray(offset, offset + 16);
    const hex = Array.from(line, (b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = Array.from(line, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  return lines.join('\n');
}

/** Pretty JSON, or undefined when the text is not JSON (numbers and strings alone are not worth it). */
export function prettyJson(text: string): string | undefined {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return undefined;
  }
}
