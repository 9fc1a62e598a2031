/**
 * The `mock:` section of a loaded `*.wscope.yaml` file → a MockConfig. The loader has already
 * checked its shape against the file's schema (mock-schema.ts); what a schema cannot see is
 * checked here, before anything is served: saved messages named, matchers that compile, path
 * patterns, close reasons. Every mistake is a MockFileError that starts with `file:line:column`.
 */
import { Buffer } from 'node:buffer';
import { compileMatcher, MatcherSpecError } from '../matchers/index.js';
import type { ScenarioFile } from '../scenario/model.js';
import { environmentOf } from '../scenario/run-files.js';
import {
  buildPayload,
  formatPlace,
  type MessageSpec,
  MessageSpecError,
  messageKind,
  parseDuration,
  renderValue,
  TemplateError,
  Variables,
} from '../templating/index.js';
import { type Action, ECHO, type Ending, type MockConfig, type Push, type Route, type Rule, type Send } from './mock-config.js';
import { compilePattern } from './route-pattern.js';

export class MockFileError extends Error {
  override readonly name = 'MockFileError';
}

type Path = ReadonlyArray<string | number>;
type Fields = Record<string, unknown>;
type Faults = Pick<Send, 'delayMs' | 'fragmentBytes' | 'dropChance'>;

const NO_FAULTS: Faults = { delayMs: 0, dropChance: 0 };

export function readMockSection(file: ScenarioFile, envName: string): MockConfig {
  // The runner's rule: an environment the file does not have is an EnvironmentError (a bad --env), but "default" may be absent.
  const environment = environmentOf(file, envName);
  const reader = new MockReader(file, environment);
  const section = file.mock as Fields | undefined;
  if (section === undefined) return reader.fail([], 'the file has no mock: section (see README "Mock server")');
  const routes = Object.entries(section).map(([pattern, route]) => reader.route(pattern, (route ?? {}) as Fields, section, ['mock', pattern]));
  return { routes, environment, places: file.places, baseDir: file.baseDir };
}

class MockReader {
  /** Matchers are rendered once, with the environment: `match: { json: { user: "{{user}}" } }`. */
  private readonly variables: Variables;

  constructor(
    private readonly file: ScenarioFile,
    environment: Record<string, unknown>,
  ) {
    this.variables = Variables.create({ environment });
  }

  route(pattern: string, route: Fields, container: Fields, path: Path): Route {
    try {
      compilePattern(pattern);
    } catch (error) {
      this.fail(path, (error as Error).message);
    }
    const list = (key: string) => (route[key] ?? []) as unknown[];
    const onConnect = list('onConnect');
    const rules = list('on');
    const pushes = list('push');
    const result: Route = {
      pattern,
      onConnect: onConnect.map((item, i) => this.connectSend(item, onConnect, i, [...path, 'onConnect', i])),
      rules: rules.map((item, i) => this.rule(item as Fields, [...path, 'on', i])),
      pushes: pushes.map((item, i) => this.push(item as Fields, [...path, 'push', i])),
      place: this.place(path, container, pattern),
    };
    const protocols = route['protocols'];
    if (protocols !== undefined) result.protocols = typeof protocols === 'string' ? [protocols] : (protocols as string[]);
    const closeAfter = route['closeAfter'] as Fields | undefined;
    if (closeAfter) {
      const messages = closeAfter['messages'] as number;
      const ending: Ending = closeAfter['abort'] === true ? { kind: 'abort' } : this.close(closeAfter, [...path, 'closeAfter']);
      if (ending.kind === 'abort' && closeAfter['code'] !== undefined) this.fail([...path, 'closeAfter', 'code'], 'use either a code or abort: true, not both');
      result.closeAfter = { messages, ending };
    }
    const unmatched = route['unmatched'];
    if (unmatched === 'echo') result.unmatched = { replies: [this.echo(route, 'unmatched', [...path, 'unmatched'], NO_FAULTS)], endingDelayMs: 0 };
    else if (typeof unmatched === 'object' && unmatched !== null) result.unmatched = this.action(unmatched as Fields, [...path, 'unmatched']);
    return result;
  }

  private rule(rule: Fields, path: Path): Rule {
    const spec = this.matcherSpec(rule['match'], rule, [...path, 'match']);
    let matcher: Rule['matcher'];
    try {
      matcher = compileMatcher(spec);
    } catch (error) {
      if (!(error instanceof MatcherSpecError)) throw error;
      this.fail(error.key === undefined ? [...path, 'match'] : [...path, 'match', error.key], error.message);
    }
    const result: Rule = { matcher, action: this.action(rule, path), place: this.place(path) };
    const regex = (spec as Fields)['regex'];
    if (typeof regex === 'string') result.regex = new RegExp(regex, 'u');
    return result;
  }

  /**
   * `match:` as `expect:` takes it: a saved message's name (that exact message), `{ message: NAME }`
   * beside other checks, or a matcher spec; rendered with the environment.
   */
  private matcherSpec(match: unknown, rule: Fields, path: Path): unknown {
    const rendered = this.render(match, rule, 'match', path);
    if (typeof rendered === 'string') return this.exactly(rendered, path);
    const { message, ...rest } = rendered as Fields;
    if (message === undefined) return rendered;
    return { ...(this.exactly(message as string, [...path, 'message']) as Fields), ...rest };
  }

  /**
   * The matcher for the saved message `name`, as `expect: NAME` makes it (run-scenario.ts's
   * matcherForMessage): text exactly, JSON as a subset, anything else its bytes exactly.
   */
  private exactly(name: string, path: Path): unknown {
    const spec = this.render(this.saved(name, path), this.file.messages, name, path) as MessageSpec;
    const kind = messageKind(spec);
    if (kind === 'string') return { text: spec };
    if (kind === 'text' || kind === 'json') return spec;
    try {
      return { base64: Buffer.from(buildPayload(spec, this.file.baseDir).data).toString('base64') };
    } catch (error) {
      if (error instanceof MessageSpecError) this.fail(path, `message "${name}": ${error.message}`);
      throw error;
    }
  }

  private action(object: Fields, path: Path): Action {
    const faults = this.faults(object, path);
    const reply = object['reply'];
    const replies = reply === undefined ? [] : Array.isArray(reply) ? reply : [reply];
    if (object['echo'] === true && replies.length > 0) this.fail([...path, 'echo'], 'use either reply: or echo: true, not both');
    if (object['close'] !== undefined && object['abort'] === true) this.fail([...path, 'abort'], 'use either close: or abort: true, not both');
    const action: Action = {
      replies: replies.map((message, i) =>
        Array.isArray(reply) ? this.send(message, reply, i, [...path, 'reply', i], faults) : this.send(message, object, 'reply', [...path, 'reply'], faults),
      ),
      // The delay holds the ending too, so `close:` after a delayed reply comes after it.
      endingDelayMs: faults.delayMs,
    };
    if (object['echo'] === true) action.replies.push(this.echo(object, 'echo', [...path, 'echo'], faults));
    if (object['abort'] === true) action.ending = { kind: 'abort' };
    else if (object['close'] !== undefined) action.ending = this.close(object['close'], [...path, 'close']);
    return action;
  }

  private echo(container: Fields, key: string, path: Path, faults: Faults): Send {
    return { message: ECHO, container, key, ...faults, place: this.place(path) };
  }

  private close(value: unknown, path: Path): Ending {
    if (value === true) return { kind: 'close', code: undefined, reason: '' };
    if (typeof value === 'number') return { kind: 'close', code: value, reason: '' };
    const object = value as Fields;
    const reason = (object['reason'] as string | undefined) ?? '';
    const code = object['code'] as number | undefined;
    // RFC 6455 §5.5: a control frame's payload is at most 125 bytes, 2 of them the code.
    if (Buffer.byteLength(reason) > 123) this.fail([...path, 'reason'], 'a close reason holds at most 123 bytes of UTF-8 (RFC 6455 §5.5)');
    if (code === undefined && reason !== '') this.fail([...path, 'reason'], 'a reason needs a code (RFC 6455 §5.5.1: the reason follows the code)');
    return { kind: 'close', code, reason };
  }

  private connectSend(item: unknown, list: unknown[], index: number, path: Path): Send {
    if (typeof item === 'object' && item !== null && 'send' in item) {
      const object = item as Fields;
      return this.send(object['send'], object, 'send', [...path, 'send'], this.faults(object, path));
    }
    return this.send(item, list, index, path, NO_FAULTS);
  }

  private push(object: Fields, path: Path): Push {
    const intervalMs = parseDuration(object['every']) ?? 0;
    if (intervalMs < 1) this.fail([...path, 'every'], 'every: needs an interval of at least 1ms (100ms, 1s; a number is seconds)');
    const push: Push = { send: this.send(object['send'], object, 'send', [...path, 'send'], this.faults(object, path)), intervalMs };
    if (object['times'] !== undefined) push.times = object['times'] as number;
    return push;
  }

  private faults(object: Fields, path: Path): Faults {
    const delay = object['delay'];
    const delayMs = delay === undefined ? 0 : parseDuration(delay);
    if (delayMs === undefined) this.fail([...path, 'delay'], `delay: is a duration (250ms, 2s; a number is seconds), got ${JSON.stringify(delay)}`);
    const drop = object['drop'];
    const faults: Faults = { delayMs, dropChance: drop === true ? 1 : typeof drop === 'number' ? drop : 0 };
    if (object['fragment'] !== undefined) faults.fragmentBytes = object['fragment'] as number;
    return faults;
  }

  /** A message to send: a saved message's name (resolved now), or an inline one. */
  private send(message: unknown, container: object, key: string | number, path: Path, faults: Faults): Send {
    const place = this.place(path, container, key);
    if (typeof message === 'string') {
      return { message: this.saved(message, path), container: this.file.messages, key: message, ...faults, place };
    }
    return { message: message as MessageSpec, container, key, ...faults, place };
  }

  private saved(name: string, path: Path): MessageSpec {
    if (!Object.hasOwn(this.file.messages, name)) {
      const names = Object.keys(this.file.messages);
      this.fail(path, `no message is named "${name}" (${names.length > 0 ? `messages: ${names.join(', ')}` : 'the file has no messages:'})`);
    }
    return this.file.messages[name]!;
  }

  private render(value: unknown, container: object, key: string, path: Path): unknown {
    try {
      return renderValue(value, this.variables, this.file.places, container, key);
    } catch (error) {
      if (error instanceof TemplateError) this.fail(path, error.problem);
      throw error;
    }
  }

  private place(path: Path, container?: object, key?: string | number): string {
    const place = (container && this.file.places.of(container, key)) ?? this.file.places.at(this.file.root, path);
    return formatPlace(place ?? { file: this.file.path, line: 1, column: 1 });
  }

  fail(path: Path, message: string): never {
    throw new MockFileError(`${this.place(path)}: ${dotted(path)}${path.length > 0 ? ': ' : ''}${message}`);
  }
}

/** `mock./status.on[0].reply`, as a person finds it in the file. */
function dotted(path: Path): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}
