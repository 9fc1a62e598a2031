/**
 * `replay --compare`: the replies a server gave now, against the ones it gave in the recording,
 * in order. Two replies match when they have the same opcode and the same bytes; with
 * `--ignore JSONPATH`, two text replies that are both JSON match when they are equal once every
 * node the paths select (ids, timestamps) is removed from both. A missing reply and an extra one
 * are differences too, and so is another close code. Pure: values in, a verdict out.
 */
import type { Buffer } from 'node:buffer';
import { isDeepStrictEqual } from 'node:util';
import { diffLines } from 'diff';
import { JSONPath } from 'jsonpath-plus';

export interface Reply {
  opcode: 1 | 2;
  data: Buffer;
}

export interface Difference {
  /** One line: what differs, and where. */
  summary: string;
  /** A readable diff (`-` the recording, `+` the replay), or the lines that show what is missing or extra. */
  detail: string[];
}

/** Is every path one jsonpath-plus can evaluate? Returns the first that is not, with why. */
export function checkJsonPaths(paths: readonly string[]): { path: string; error: string } | undefined {
  for (const path of paths) {
    try {
      if (!path.startsWith('$')) throw new Error('a JSONPath starts with $');
      JSONPath({ path, json: { probe: [1] } });
    } catch (error) {
      return { path, error: (error as Error).message };
    }
  }
  return undefined;
}

/** The first difference between the recorded replies and the replayed ones, or undefined when they all match. */
export function compareReplies(recorded: readonly Reply[], replayed: readonly Reply[], ignore: readonly string[]): Difference | undefined {
  const count = Math.min(recorded.length, replayed.length);
  for (let i = 0; i < count; i++) {
    const expected = recorded[i]!;
    const actual = replayed[i]!;
    if (repliesMatch(expected, actual, ignore)) continue;
    return { summary: `reply ${i + 1} differs from the recording`, detail: diffText(view(expected, ignore), view(actual, ignore)) };
  }
  if (replayed.length < recorded.length) {
    const missing = recorded.length - replayed.length;
    return {
      summary: `${missing} recorded repl${missing === 1 ? 'y' : 'ies'} did not come (got ${replayed.length} of ${recorded.length}); the first missing one, reply ${count + 1}:`,
      detail: view(recorded[count]!, []).map((line) => `-${line}`),
    };
  }
  if (replayed.length > recorded.length) {
    const extra = replayed.length - recorded.length;
    return {
      summary: `${extra} more repl${extra === 1 ? 'y' : 'ies'} than recorded (got ${replayed.length}, recorded ${recorded.length}); the first extra one, reply ${count + 1}:`,
      detail: view(replayed[count]!, []).map((line) => `+${line}`),
    };
  }
  return undefined;
}

function repliesMatch(expected: Reply, actual: Reply, ignore: readonly string[]): boolean {
  if (expected.opcode !== actual.opcode) return false;
  if (expected.data.equals(actual.data)) return true;
  if (ignore.length === 0 || expected.opcode !== 1) return false;
  const a = parseJson(expected.data);
  const b = parseJson(actual.data);
  return a !== undefined && b !== undefined && isDeepStrictEqual(withoutPaths(a.value, ignore), withoutPaths(b.value, ignore));
}

function parseJson(data: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(data.toString('utf8')) };
  } catch {
    return undefined;
  }
}

/** A copy of `value` with every node the paths select removed (array items too, from the last one back so indexes hold). */
export function withoutPaths(value: unknown, paths: readonly string[]): unknown {
  let copy: unknown = structuredClone(value);
  for (const path of paths) {
    const hits = JSONPath({ path, json: copy as object, resultType: 'all' }) as Array<{ parent: unknown; parentProperty: string | number | null }>;
    const arrayItems: Array<{ parent: unknown[]; index: number }> = [];
    for (const { parent, parentProperty } of hits) {
      // `$` itself: nothing of the value is left to compare.
      if (parent === null || parentProperty === null) copy = null;
      else if (Array.isArray(parent)) arrayItems.push({ parent, index: Number(parentProperty) });
      else delete (parent as Record<string, unknown>)[parentProperty];
    }
    arrayItems.sort((x, y) => y.index - x.index);
    for (const { parent, index } of arrayItems) parent.splice(index, 1);
  }
  return copy;
}

/**
 * A reply as lines to diff: JSON (with --ignore) pretty-printed with sorted keys and the ignored
 * nodes gone, so the diff shows only what counts; other text as its lines; binary in hex.
 */
function view(reply: Reply, ignore: readonly string[]): string[] {
  if (reply.opcode === 2) {
    const hex = reply.data.toString('hex');
    const rows = hex.match(/.{1,64}/g) ?? [];
    return [`[binary ${reply.data.length} B]`, ...rows];
  }
  const json = ignore.length > 0 ? parseJson(reply.data) : undefined;
  if (json) return JSON.stringify(sortKeys(withoutPaths(json.value, ignore)), null, 2).split('\n');
  return reply.data.toString('utf8').split('\n');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** `-` lines of the recording, `+` lines of the replay, ` ` lines both have. */
function diffText(expected: string[], actual: string[]): string[] {
  const lines = ['--- recorded', '+++ replayed'];
  for (const part of diffLines(`${expected.join('\n')}\n`, `${actual.join('\n')}\n`)) {
    const mark = part.added ? '+' : part.removed ? '-' : ' ';
    for (const line of part.value.replace(/\n$/, '').split('\n')) lines.push(`${mark}${line}`);
  }
  return lines;
}

/** The close code the client was told, against the recorded one (reasons are shown, not compared). */
export function compareClose(recorded: { code: number; reason: string } | undefined, replayed: { code: number; reason: string }): Difference | undefined {
  if (recorded === undefined || recorded.code === replayed.code) return undefined;
  const show = ({ code, reason }: { code: number; reason: string }) => (reason ? `${code} ${JSON.stringify(reason)}` : String(code));
  return {
    summary: 'the close code differs from the recording',
    detail: ['--- recorded', '+++ replayed', `-close ${show(recorded)}`, `+close ${show(replayed)}`],
  };
}
