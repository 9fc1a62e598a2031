/** INTERIM until src/matchers/ lands from branch scenario (then this file goes). */
import { isDeepStrictEqual } from 'node:util';

export function matches(spec: unknown, text: string): boolean {
  const s = spec as Record<string, unknown>;
  if (typeof s['text'] === 'string') return text === s['text'];
  if (typeof s['contains'] === 'string') return text.includes(s['contains']);
  if (typeof s['regex'] === 'string') return new RegExp(s['regex']).test(text);
  if (s['json'] !== undefined) {
    try {
      return subset(s['json'], JSON.parse(text));
    } catch {
      return false;
    }
  }
  return false;
}

function subset(expected: unknown, actual: unknown): boolean {
  if (typeof expected !== 'object' || expected === null) return isDeepStrictEqual(expected, actual);
  if (typeof actual !== 'object' || actual === null) return false;
  return Object.entries(expected).every(([k, v]) => subset(v, (actual as Record<string, unknown>)[k]));
}
