/** The diffs and byte views a failed match shows: `-` what was expected, `+` what came. */
import type { Buffer } from 'node:buffer';
import { diffLines } from 'diff';

const MAX_BYTES_SHOWN = 64;

/** Hex bytes, `48 69 00`, cut after 64 with the total. */
export function describeBytes(bytes: Buffer): string {
  const shown = [...bytes.subarray(0, MAX_BYTES_SHOWN)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > MAX_BYTES_SHOWN ? `${shown} ... (${bytes.length} bytes)` : shown || '(empty)';
}

/** A line diff: unchanged lines with two spaces, removed (expected) with `- `, added (received) with `+ `. */
export function textDiff(expected: string, actual: string): string {
  const lines: string[] = [];
  for (const change of diffLines(expected, actual)) {
    const mark = change.added ? '+ ' : change.removed ? '- ' : '  ';
    for (const line of change.value.replace(/\n$/, '').split('\n')) lines.push(`${mark}${line}`);
  }
  return lines.join('\n');
}

/** The diff of two JSON values, each pretty-printed with sorted keys so only real differences show. */
export function jsonDiff(expected: unknown, actual: unknown): string {
  return textDiff(pretty(expected), pretty(actual));
}

function pretty(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) ?? String(value);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
