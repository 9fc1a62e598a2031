/**
 * The `mock:` section of a parsed `*.wscope.yaml` file → a MockConfig, checked in full before
 * anything is served: every mistake is reported with where it is (`file:line`) and what was
 * expected, and a file that passes cannot fail later for its shape.
 */
import { type Action, ECHO, type Ending, type MockConfig, type Push, type Route, type Rule, type Send } from './mock-config.js';
import { compilePattern } from './route-pattern.js';

/** A mistake in the file, with its place: `mock.yaml:12: mock./status.on[0].close: ...`. */
export class MockFileError extends Error {
  override readonly name = 'MockFileError';
}

/** Turns a path into the file (`mock./status.on[0]` → `file.yaml:12`). */
export type Locate = (path: readonly (string | number)[]) => string;

type Path = readonly (string | number)[];

const MESSAGE_KINDS = ['text', 'json', 'binary', 'base64', 'file'] as const;
const RULE_KEYS = ['match', 'reply', 'echo', 'close', 'abort', 'delay', 'fragment', 'drop'];
const ROUTE_KEYS = ['protocols', 'onConnect', 'on', 'push', 'closeAfter', 'unmatched'];

export function readMockSection(file: Record<string, unknown>, variables: Readonly<Record<string, unknown>>, locate: Locate): MockConfig {
  const messages = isRecord(file['messages']) ? file['messages'] : {};
  const reader = new MockReader(locate, messages);
  const section = file['mock'];
  if (section === undefined) throw new MockFileError(`${locate([])}: the file has no mock: section (see README "Mock server")`);
  const routes = reader.record(section, ['mock'], 'a map from paths (/status, /chat/*) to what each answers');
  const read: Route[] = Object.entries(routes).map(([pattern, route]) => reader.route(pattern, route, ['mock', pattern]));
  if (read.length === 0) throw new MockFileError(`${locate(['mock'])}: mock: names no path to serve`);
  return { routes: read, messages, variables };
}

class MockReader {
  constructor(
    private readonly locate: Locate,
    private readonly messages: Record<string, unknown>,
  ) {}

  route(pattern: string, value: unknown, path: Path): Route {
    if (!pattern.startsWith('/')) this.fail(path, `a path must start with '/', got '${pattern}'`);
    try {
      compilePattern(pattern);
    } catch (error) {
      this.fail(path, (error as Error).message);
    }
    const route = this.record(value ?? {}, path, 'what the path answers (onConnect, on, push, closeAfter, unmatched)');
    this.knownKeys(route, ROUTE_KEYS, path);
    const result: Route = {
      pattern,
      onConnect: this.list(route['onConnect'], [...path, 'onConnect']).map((item, i) => this.connectSend(item, [...path, 'onConnect', i])),
      rules: this.list(route['on'], [...path, 'on']).map((item, i) => this.rule(item, [...path, 'on', i])),
      pushes: this.list(route['push'], [...path, 'push']).map((item, i) => this.push(item, [...path, 'push', i])),
      place: this.locate(path),
    };
    if (route['protocols'] !== undefined) result.protocols = this.protocols(route['protocols'], [...path, 'protocols']);
    if (route['closeAfter'] !== undefined) result.closeAfter = this.closeAfter(route['closeAfter'], [...path, 'closeAfter']);
    const unmatched = route['unmatched'];
    if (unmatched === 'echo')
      result.unmatched = { replies: [{ message: ECHO, delayMs: 0, dropChance: 0, place: this.locate([...path, 'unmatched']) }], endingDelayMs: 0 };
    else if (unmatched !== undefined && unmatched !== 'ignore') {
      const object = this.record(unmatched, [...path, 'unmatched'], "'ignore', 'echo', or an answer (reply, close, abort, delay...)");
      if ('match' in object) this.fail([...path, 'unmatched', 'match'], 'unmatched: answers every message no rule matched, it has no match:');
      result.unmatched = this.action(object, [...path, 'unmatched']);
    }
    return result;
  }

  private rule(value: unknown, path: Path): Rule {
    const rule = this.record(value, path, 'a rule: { match: ..., reply: ... }');
    if (rule['match'] === undefined) this.fail(path, 'a rule needs match: (text, contains, regex, json, jsonPath, schema), as in expect:');
    return { match: rule['match'], action: this.action(rule, path), place: this.locate(path) };
  }

  private action(object: Record<string, unknown>, path: Path): Action {
    this.knownKeys(object, RULE_KEYS, path);
    const faults = this.faults(object, path);
    const reply = object['reply'];
    const replies = reply === undefined ? [] : Array.isArray(reply) ? reply : [reply];
    const echo = this.flag(object['echo'], [...path, 'echo']);
    if (echo && replies.length > 0) this.fail([...path, 'echo'], 'use either reply: or echo: true, not both');
    const action: Action = {
      replies: replies.map((message, i) => {
        const at = Array.isArray(reply) ? [...path, 'reply', i] : [...path, 'reply'];
        return { message: this.message(message, at), ...faults, place: this.locate(at) };
      }),
      // The delay holds the ending too, so `close:` after a delayed reply comes after it.
      endingDelayMs: faults.delayMs,
    };
    if (echo) action.replies.push({ message: ECHO, ...faults, place: this.locate([...path, 'echo']) });
    const ending = this.ending(object, path);
    if (ending) action.ending = ending;
    return action;
  }

  private ending(object: Record<string, unknown>, path: Path): Ending | undefined {
    if (object['close'] !== undefined && object['abort'] !== undefined) this.fail([...path, 'abort'], 'use either close: or abort:, not both');
    if (this.flag(object['abort'], [...path, 'abort'])) return { kind: 'abort' };
    if (object['close'] === undefined) return undefined;
    return this.close(object['close'], [...path, 'close']);
  }

  private close(value: unknown, path: Path): Ending {
    if (value === true || value === null) return { kind: 'close', code: undefined, reason: '' };
    if (typeof value === 'number') return { kind: 'close', code: this.closeCode(value, path), reason: '' };
    const object = this.record(value, path, 'a close code, or { code, reason }');
    this.knownKeys(object, ['code', 'reason'], path);
    const reason = object['reason'] ?? '';
    if (typeof reason !== 'string') this.fail([...path, 'reason'], 'the reason must be a string');
    if (Buffer.byteLength(reason) > 123)
      this.fail([...path, 'reason'], 'a close reason holds at most 123 bytes of UTF-8 (RFC 6455 §5.5: control payloads ≤ 125 bytes)');
    const code = object['code'] === undefined ? undefined : this.closeCode(object['code'], [...path, 'code']);
    if (code === undefined && reason !== '') this.fail([...path, 'reason'], 'a reason needs a code (RFC 6455 §5.5.1: the reason follows the code)');
    return { kind: 'close', code, reason };
  }

  private closeCode(value: unknown, path: Path): number {
    // Any 16-bit code is allowed: unsendable ones (1005, 1006, 999...) go out as a raw Close frame, on purpose.
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535)
      this.fail(path, `a close code is an integer 0-65535, got ${JSON.stringify(value)}`);
    return value;
  }

  private closeAfter(value: unknown, path: Path): { messages: number; ending: Ending } {
    const object = this.record(value, path, '{ messages: N, code, reason } or { messages: N, abort: true }');
    this.knownKeys(object, ['messages', 'code', 'reason', 'abort'], path);
    const messages = object['messages'];
    if (typeof messages !== 'number' || !Number.isInteger(messages) || messages < 0)
      this.fail([...path, 'messages'], 'messages: is a count of incoming messages (0: right after onConnect)');
    if (this.flag(object['abort'], [...path, 'abort'])) {
      if (object['code'] !== undefined) this.fail([...path, 'code'], 'use either a code or abort: true, not both');
      return { messages, ending: { kind: 'abort' } };
    }
    const close = { ...(object['code'] !== undefined && { code: object['code'] }), ...(object['reason'] !== undefined && { reason: object['reason'] }) };
    return { messages, ending: this.close(close, path) };
  }

  private connectSend(value: unknown, path: Path): Send {
    if (isRecord(value) && 'send' in value) {
      this.knownKeys(value, ['send', 'delay', 'fragment', 'drop'], path);
      return { message: this.message(value['send'], [...path, 'send']), ...this.faults(value, path), place: this.locate([...path, 'send']) };
    }
    return { message: this.message(value, path), delayMs: 0, dropChance: 0, place: this.locate(path) };
  }

  private push(value: unknown, path: Path): Push {
    const object = this.record(value, path, '{ every: 1s, send: MESSAGE }');
    this.knownKeys(object, ['every', 'send', 'times', 'delay', 'fragment', 'drop'], path);
    const intervalMs = this.duration(object['every'], [...path, 'every']);
    if (intervalMs < 1) this.fail([...path, 'every'], 'every: needs a duration of at least 1ms (250ms, 1s, 2m)');
    if (object['send'] === undefined) this.fail(path, 'a push needs send: (the message to send)');
    const push: Push = {
      send: { message: this.message(object['send'], [...path, 'send']), ...this.faults(object, path), place: this.locate([...path, 'send']) },
      intervalMs,
    };
    const times = object['times'];
    if (times !== undefined) {
      if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) this.fail([...path, 'times'], 'times: is a count of at least 1');
      push.times = times;
    }
    return push;
  }

  private faults(object: Record<string, unknown>, path: Path): Pick<Send, 'delayMs' | 'fragmentBytes' | 'dropChance'> {
    const faults: Pick<Send, 'delayMs' | 'fragmentBytes' | 'dropChance'> = {
      delayMs: object['delay'] === undefined ? 0 : this.duration(object['delay'], [...path, 'delay']),
      dropChance: 0,
    };
    const fragment = object['fragment'];
    if (fragment !== undefined) {
      if (typeof fragment !== 'number' || !Number.isInteger(fragment) || fragment < 1)
        this.fail([...path, 'fragment'], 'fragment: is the payload bytes per frame, at least 1');
      faults.fragmentBytes = fragment;
    }
    const drop = object['drop'];
    if (drop === true) faults.dropChance = 1;
    else if (typeof drop === 'number' && drop >= 0 && drop <= 1) faults.dropChance = drop;
    else if (drop !== undefined && drop !== false) this.fail([...path, 'drop'], `drop: is true, false or a chance from 0 to 1, got ${JSON.stringify(drop)}`);
    return faults;
  }

  /** A saved message's name, or an inline `{ text | json | binary | base64 | file }`. */
  private message(value: unknown, path: Path): unknown {
    if (typeof value === 'string') {
      if (!(value in this.messages)) {
        const names = Object.keys(this.messages);
        this.fail(
          path,
          `no saved message '${value}' under messages:${names.length > 0 ? ` (saved: ${names.join(', ')})` : ''}; an inline one is { text: "..." }`,
        );
      }
      return this.messages[value];
    }
    const object = this.record(value, path, 'a saved message name, or { text | json | binary | base64 | file: ... }');
    const kinds = MESSAGE_KINDS.filter((kind) => kind in object);
    if (kinds.length !== 1 || Object.keys(object).length !== 1) this.fail(path, `a message has exactly one of ${MESSAGE_KINDS.join(', ')}`);
    return object;
  }

  private protocols(value: unknown, path: Path): string[] {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(p)))
      this.fail(path, 'protocols: is a list of subprotocol names (RFC 6455 §4.1: tokens, no spaces or commas)');
    return list as string[];
  }

  private duration(value: unknown, path: Path): number {
    const ms = parseDuration(value);
    if (ms === undefined) this.fail(path, `a duration is a number of milliseconds or a string like 250ms, 1s, 1.5m; got ${JSON.stringify(value)}`);
    return ms;
  }

  private flag(value: unknown, path: Path): boolean {
    if (value === undefined) return false;
    if (typeof value !== 'boolean') this.fail(path, `expected true or false, got ${JSON.stringify(value)}`);
    return value;
  }

  private list(value: unknown, path: Path): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(path, 'expected a list (- item)');
    return value;
  }

  record(value: unknown, path: Path, expected: string): Record<string, unknown> {
    if (!isRecord(value)) this.fail(path, `expected ${expected}`);
    return value;
  }

  private knownKeys(object: Record<string, unknown>, known: readonly string[], path: Path): void {
    for (const key of Object.keys(object)) if (!known.includes(key)) this.fail([...path, key], `unknown key '${key}' (known here: ${known.join(', ')})`);
  }

  private fail(path: Path, message: string): never {
    throw new MockFileError(`${this.locate(path)}: ${dotted(path)}: ${message}`);
  }
}

/** `mock./status.on[0].reply`, as a person finds it in the file. */
function dotted(path: Path): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `250ms`, `1s`, `1.5m`, or a plain number of milliseconds. */
function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}
