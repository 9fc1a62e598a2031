/**
 * What one virtual user sends, message after message, and the key a reply is matched on. A
 * message without a template is built once and sent as the same Buffer every time (no
 * allocation per message); a template is rendered per message with the connection's variables:
 * `{{conn}}` (the connection's number, from 1), `{{seq}}` (its message number, from 1), and the
 * shared ones (`{{$seq}}`, counting per worker thread, `{{$uuid}}`, `--var`).
 */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { isTemplate, renderString, TemplateError, Variables } from '../templating/index.js';
import type { LoadMessage, LoadOptions, MatchRule } from './options.js';

/** The per-connection variables a template sees; mutated in place per message, so rendering allocates no scope. */
interface ConnectionScope {
  conn: number;
  seq: number;
}

export class MessageSource {
  readonly binary: boolean;
  private readonly constant: Buffer | undefined;
  private readonly template: string | undefined;
  private readonly variables: Variables | undefined;
  private readonly scope: ConnectionScope;

  /** `conn`: the connection's number, from 1. `root`: the worker's variables (one `$seq` counter). */
  constructor(message: LoadMessage, conn: number, root: Variables) {
    this.binary = message.binary;
    this.scope = { conn, seq: 0 };
    if (message.kind === 'template' && isTemplate(message.text)) {
      this.template = message.text;
      this.variables = root.with(this.scope as unknown as Record<string, unknown>);
    } else {
      this.constant = constantPayload(message);
    }
  }

  /** A source every connection can share when the message is the same bytes for all (no template), else undefined. */
  static shared(message: LoadMessage, root: Variables): MessageSource | undefined {
    return message.kind === 'template' && isTemplate(message.text) ? undefined : new MessageSource(message, 0, root);
  }

  /** The next message's bytes (text ones as UTF-8: the engine sends a Buffer as text when told to). */
  next(): Buffer {
    this.scope.seq += 1;
    if (this.constant) return this.constant;
    return Buffer.from(renderString(this.template!, this.variables!));
  }
}

const generatedCache = new Map<string, Buffer>();

function constantPayload(message: LoadMessage): Buffer {
  switch (message.kind) {
    case 'template':
      return Buffer.from(message.text);
    case 'bytes':
      return Buffer.from(message.base64, 'base64');
    case 'generated': {
      // The same bytes for every connection of a worker: one Buffer, however many connections.
      const key = `${message.size}:${message.binary}`;
      let payload = generatedCache.get(key);
      if (!payload) {
        payload = message.binary ? randomBytes(message.size) : printable(message.size);
        generatedCache.set(key, payload);
      }
      return payload;
    }
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function printable(size: number): Buffer {
  const bytes = randomBytes(size);
  for (let i = 0; i < size; i++) bytes[i] = ALPHABET.charCodeAt(bytes[i]! % ALPHABET.length);
  return bytes;
}

/** `$.id`, `$.meta.seq`, `$.items[0]`, `$["a b"]`: the steps from the root, or undefined when it is not such a path. */
export function parseJsonPath(path: string): Array<string | number> | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: Array<string | number> = [];
  const step = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["([^"]*)"\]|\['([^']*)'\]/y;
  let at = 1;
  while (at < path.length) {
    step.lastIndex = at;
    const match = step.exec(path);
    if (!match) return undefined;
    steps.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (match[3] ?? match[4] ?? '')));
    at = step.lastIndex;
  }
  return steps.length === 0 ? undefined : steps;
}

/**
 * The key `--match json:PATH` pairs on: the value at the path, as JSON text (so 1 and "1"
 * differ), or undefined when the message is not JSON or has nothing there.
 */
export function jsonKey(data: Buffer | string, steps: ReadonlyArray<string | number>): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return undefined;
  }
  for (const step of steps) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value === undefined ? undefined : JSON.stringify(value);
}

/**
 * Why these options cannot run, or undefined: the first message is rendered as connection 1
 * would render it, so a missing variable or a `--match json:` path the message lacks is found
 * before anything connects.
 */
export function checkMessage(options: Pick<LoadOptions, 'message' | 'match' | 'vars'>): string | undefined {
  let first: Buffer;
  try {
    first = new MessageSource(options.message, 1, Variables.create({ overrides: options.vars })).next();
  } catch (error) {
    if (error instanceof TemplateError) return `the message: ${error.message}`;
    throw error;
  }
  return checkMatchable(first, options.match);
}

function checkMatchable(first: Buffer, match: MatchRule): string | undefined {
  if (match.kind !== 'json') return undefined;
  if (jsonKey(first, match.steps) !== undefined) return undefined;
  return `--match json:${match.path}: the message has no value at ${match.path} (${first.length > 80 ? `${first.subarray(0, 80).toString()}...` : first.toString()}); e.g. -m '{"id":{{$seq}}}'`;
}
