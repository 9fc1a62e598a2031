/**
 * Durations as files write them: `500ms`, `2s`, `1.5s`, `1m`; a bare number is seconds, as the
 * command line's `-w S` and `--ping-interval S` are.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** DURATION_PATTERN for JSON Schema: what `parseDuration` accepts as a string. */
export const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$';

/** Milliseconds, or undefined when `value` is not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!match?.[1]) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000);
}

/** How a duration reads in a report: `850 ms`, `2.5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
