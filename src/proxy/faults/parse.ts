/**
 * The fault flags' values, parsed: pure, one error per bad value, with one line that says what
 * was expected. Every fault flag has the same shape:
 *
 *     [DIRECTION:]VALUE[@CONNECTIONS]
 *
 * - DIRECTION: `c2s` (client → server; `up`, toxiproxy's "upstream", the same), `s2c`
 *   (server → client; `down`), or `both`, the default.
 * - VALUE: the fault's own, below.
 * - CONNECTIONS: which relayed connections get the fault, counted from 1 in the order the proxy
 *   accepted them: `@2` (the second only), `@1,3`, `@2-5`, or `@25%` (each connection with that
 *   probability, toxiproxy's "toxicity"). Every connection by default.
 */
import { Buffer } from 'node:buffer';
import { describeCloseCode, isSendableCloseCode } from '../../index.js';
import type { RelayDirection } from '../fault.js';
import type { After } from './after.js';
import type { CorruptSpec } from './corrupt.js';
import type { DelaySpec } from './delay.js';
import type { DropMessagesSpec } from './drop-messages.js';
import type { RefragmentSpec } from './refragment.js';
import type { ThrottleSpec } from './throttle.js';

export type ConnectionSelector = { kind: 'all' } | { kind: 'numbers'; ranges: Array<[number, number]> } | { kind: 'probability'; probability: number };

interface Placement {
  /** The flag's value as given, for messages. */
  text: string;
  directions: RelayDirection[];
  connections: ConnectionSelector;
}

export type FaultSpec = Placement &
  (
    | { kind: 'delay'; delay: DelaySpec }
    | { kind: 'throttle'; throttle: ThrottleSpec }
    | { kind: 'refragment'; refragment: RefragmentSpec }
    | { kind: 'drop-messages'; drop: DropMessagesSpec }
    | { kind: 'corrupt'; corrupt: CorruptSpec }
    | { kind: 'close-after' | 'reset-after' | 'stall-after'; after: After }
  );

export type FaultKind = FaultSpec['kind'];

/** A fault flag's value that cannot be used; the CLI prints its message as a usage error. */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

const BOTH: RelayDirection[] = ['client-to-server', 'server-to-client'];
const DIRECTIONS: Record<string, RelayDirection[]> = {
  both: BOTH,
  c2s: ['client-to-server'],
  up: ['client-to-server'],
  s2c: ['server-to-client'],
  down: ['server-to-client'],
};

/** The longest delay and the longest -after time: ten minutes. */
const MAX_MS = 600_000;

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;

/** What each flag's VALUE looks like, for the error messages and --help. */
export const VALUE_FORMS: Record<FaultKind, string> = {
  delay: 'MS[±JITTER] in milliseconds, e.g. 200 or 200±50 (or 200+-50)',
  throttle: 'bytes per second, e.g. 2000, 64k or 1M (k = 1000)',
  refragment: 'a frame payload size in bytes from 1, e.g. 16',
  'drop-messages': 'a probability from 0 to 1, or a percentage, e.g. 0.1 or 10%',
  corrupt: 'nothing (every message), or a probability from 0 to 1 or a percentage, e.g. 0.5 or 50%',
  'close-after': 'a number of messages (e.g. 5) or a time (e.g. 2s, 1.5s, 500ms)',
  'reset-after': 'a number of messages (e.g. 5) or a time (e.g. 2s, 1.5s, 500ms)',
  'stall-after': 'a number of messages (e.g. 5) or a time (e.g. 2s, 1.5s, 500ms)',
};

/** Parse one fault flag's value. */
export function parseFault(kind: FaultKind, text: string): FaultSpec {
  const fail = (why: string): never => {
    throw new FaultSpecError(`--${kind} '${text}': ${why}`);
  };
  let rest = text.trim();
  let connections: ConnectionSelector = { kind: 'all' };
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    connections = parseConnections(rest.slice(at + 1)) ?? fail('after @, expected connection numbers (@2, @1,3, @2-5) or a probability per connection (@25%)');
    rest = rest.slice(0, at);
  }
  let directions = BOTH;
  const colon = rest.indexOf(':');
  const named = DIRECTIONS[(colon >= 0 ? rest.slice(0, colon) : rest).trim().toLowerCase()];
  if (colon >= 0 || (kind === 'corrupt' && named)) {
    directions = named ?? fail(`unknown direction '${rest.slice(0, colon)}': expected c2s (or up), s2c (or down), or both`);
    rest = colon >= 0 ? rest.slice(colon + 1) : '';
  }
  const value = rest.trim();
  const placement: Placement = { text, directions, connections };
  const expected = `expected ${VALUE_FORMS[kind]}`;
  switch (kind) {
    case 'delay': {
      const match = new RegExp(`^${NUMBER}(?:ms)?(?:\\s*(?:±|\\+-|\\+/-)\\s*${NUMBER}(?:ms)?)?$`).exec(value) ?? fail(expected);
      const ms = Number(match[1]);
      const jitter = Number(match[2] ?? 0);
      if (ms + jitter > MAX_MS) fail(`at most ${MAX_MS} ms (ten minutes)`);
      return { ...placement, kind, delay: { ms, jitter } };
    }
    case 'throttle': {
      const match = new RegExp(`^${NUMBER}\\s*([kKmM]?)(?:B)?(?:/s)?$`).exec(value) ?? fail(expected);
      const unit = match[2]!.toLowerCase();
      const bytesPerSecond = Number(match[1]) * (unit === 'k' ? 1000 : unit === 'm' ? 1_000_000 : 1);
      if (!(bytesPerSecond >= 1)) fail('at least 1 byte per second');
      return { ...placement, kind, throttle: { bytesPerSecond } };
    }
    case 'refragment': {
      const size = /^\d+$/.test(value) ? Number(value) : 0;
      if (!Number.isSafeInteger(size) || size < 1) fail(expected);
      return { ...placement, kind, refragment: { size } };
    }
    case 'drop-messages':
      return { ...placement, kind, drop: { probability: parseProbability(value) ?? fail(expected) } };
    case 'corrupt':
      return { ...placement, kind, corrupt: { probability: value === '' ? 1 : (parseProbability(value) ?? fail(expected)) } };
    case 'close-after':
    case 'reset-after':
    case 'stall-after':
      return { ...placement, kind, after: parseAfter(value) ?? fail(expected) };
  }
}

/** `0.25`, `25%` → 0.25; undefined when it is not a probability. */
function parseProbability(value: string): number | undefined {
  const match = new RegExp(`^${NUMBER}(%?)$`).exec(value);
  if (!match) return undefined;
  const probability = Number(match[1]) / (match[2] === '%' ? 100 : 1);
  return probability <= 1 ? probability : undefined;
}

/** `5` → 5 messages; `2s`, `1.5s`, `500ms` → a time. */
function parseAfter(value: string): After | undefined {
  if (/^\d+$/.test(value)) {
    const messages = Number(value);
    return Number.isSafeInteger(messages) ? { messages } : undefined;
  }
  const match = new RegExp(`^${NUMBER}\\s*(s|ms)$`).exec(value);
  if (!match) return undefined;
  const ms = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  return ms <= MAX_MS ? { ms } : undefined;
}

function parseConnections(value: string): ConnectionSelector | undefined {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (percent) {
    const probability = Number(percent[1]) / 100;
    return probability <= 1 ? { kind: 'probability', probability } : undefined;
  }
  const ranges: Array<[number, number]> = [];
  for (const part of value.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!range) return undefined;
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    if (from < 1 || to < from) return undefined;
    ranges.push([from, to]);
  }
  return { kind: 'numbers', ranges };
}

/** Does connection number `n` (from 1) get a fault placed on `connections`? */
export function selects(connections: ConnectionSelector, n: number, random: () => number): boolean {
  switch (connections.kind) {
    case 'all':
      return true;
    case 'numbers':
      return connections.ranges.some(([from, to]) => n >= from && n <= to);
    case 'probability':
      return random() < connections.probability;
  }
}

/** `--close-code`: a code a Close frame may carry (RFC 6455 §7.4). */
export function parseCloseCode(text: string): number {
  const code = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!isSendableCloseCode(code)) {
    throw new FaultSpecError(
      `--close-code '${text}': expected a code a Close frame may carry (1000-1003, 1007-1014, 3000-4999): ${describeCloseCode(code).meaning}`,
    );
  }
  return code;
}

/** `--close-reason`: RFC 6455 §5.5: a control frame's payload is at most 125 bytes, 2 of them the code. */
export function parseCloseReason(text: string): string {
  const bytes = Buffer.byteLength(text);
  if (bytes > 123) throw new FaultSpecError(`--close-reason: at most 123 bytes of UTF-8 (a Close frame's payload is 125 with the code), got ${bytes}`);
  return text;
}
