/**
 * Matchers: a spec from a file compiled into a function from a received message to a verdict
 * with a reason a person can act on (and a diff when there is something to compare). Used by
 * the scenario runner's `expect`/`waitFor` and by the mock server to pick its reply.
 *
 * A spec is an object with one or more of these keys, all of which must hold:
 *   text      exact text             contains  a substring        regex   a regular expression
 *   json      the message is JSON and holds this value (objects: a subset; arrays: element-wise)
 *   jsonPath  + value                the JSONPath's first result equals `value` (without `value`: exists)
 *   schema    JSON Schema the parsed message must satisfy
 *   binary    hex bytes, exactly     base64    bytes, exactly
 * A plain string is `{ text }`.
 */
import type { Buffer } from 'node:buffer';
import type { ValidateFunction } from 'ajv';
import { JSONPath } from 'jsonpath-plus';
import { parseBase64, parseHex } from '../templating/index.js';
import { describeBytes, jsonDiff, textDiff } from './describe.js';
import { MatcherSpecError } from './errors.js';
import { firstJsonDifference } from './json-subset.js';
import { compileSchema } from './schema.js';

/** A message as a matcher sees it. */
export interface MatchedMessage {
  data: Buffer;
  binary: boolean;
}

export type MatchResult = { ok: true } | { ok: false; reason: string; diff?: string };

export type Matcher = (message: MatchedMessage) => MatchResult;

export interface CompiledMatcher {
  match: Matcher;
  /** One line saying what it wants, for reports: `json {"type":"hello"}`. */
  description: string;
}

/** The keys a matcher spec may have; a caller's own keys (`within`, `capture`) are left to it. */
export const MATCHER_KEYS = ['text', 'contains', 'regex', 'json', 'jsonPath', 'value', 'schema', 'binary', 'base64'] as const;

type Check = (message: MatchedMessage) => MatchResult;

const OK: MatchResult = { ok: true };

export function compileMatcher(spec: unknown): CompiledMatcher {
  if (typeof spec === 'string') spec = { text: spec };
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new MatcherSpecError(`a matcher is a string or an object with ${MATCHER_KEYS.filter((key) => key !== 'value').join(', ')}`);
  }
  const fields = spec as Record<string, unknown>;
  const checks: Check[] = [];
  const descriptions: string[] = [];
  const has = (key: string) => Object.hasOwn(fields, key);
  if (has('value') && !has('jsonPath')) throw new MatcherSpecError('"value" needs "jsonPath"', 'value');
  for (const key of MATCHER_KEYS) {
    if (!has(key) || key === 'value') continue;
    const value = fields[key];
    const [check, description] = compileKey(key, value, fields);
    checks.push(check);
    descriptions.push(description);
  }
  if (checks.length === 0) {
    throw new MatcherSpecError(`a matcher needs one of ${MATCHER_KEYS.filter((key) => key !== 'value').join(', ')}`);
  }
  return {
    description: descriptions.join(', '),
    match(message) {
      for (const check of checks) {
        const result = check(message);
        if (!result.ok) return result;
      }
      return OK;
    },
  };
}

function compileKey(key: (typeof MATCHER_KEYS)[number], value: unknown, fields: Record<string, unknown>): [Check, string] {
  const needString = (): string => {
    if (typeof value !== 'string') throw new MatcherSpecError(`"${key}" must be a string`, key);
    return value;
  };
  switch (key) {
    case 'text': {
      const expected = needString();
      return [
        textCheck((text) => (text === expected ? OK : { ok: false, reason: 'the text differs', diff: textDiff(expected, text) })),
        `text ${JSON.stringify(expected)}`,
      ];
    }
    case 'contains': {
      const expected = needString();
      return [
        textCheck((text) => (text.includes(expected) ? OK : { ok: false, reason: `it does not contain ${JSON.stringify(expected)}` })),
        `contains ${JSON.stringify(expected)}`,
      ];
    }
    case 'regex': {
      const source = needString();
      let pattern: RegExp;
      try {
        pattern = new RegExp(source, 'u');
      } catch (error) {
        throw new MatcherSpecError(`"regex" is not a valid regular expression: ${(error as Error).message}`, key);
      }
      return [textCheck((text) => (pattern.test(text) ? OK : { ok: false, reason: `it does not match /${source}/` })), `regex /${source}/`];
    }
    case 'json':
      return [
        jsonCheck((actual) => {
          const difference = firstJsonDifference(value, actual);
          return difference === undefined ? OK : { ok: false, reason: difference.reason, diff: jsonDiff(value, difference.shown) };
        }),
        `json ${JSON.stringify(value)}`,
      ];
    case 'jsonPath': {
      const path = needString();
      const wanted = Object.hasOwn(fields, 'value');
      const expected = fields['value'];
      return [
        jsonCheck((actual) => {
          let found: unknown[];
          try {
            found = JSONPath({ path, json: actual as object, wrap: true }) as unknown[];
          } catch (error) {
            return { ok: false, reason: `the JSONPath ${path} could not be evaluated: ${(error as Error).message}` };
          }
          if (found.length === 0) return { ok: false, reason: `nothing is at ${path}` };
          if (!wanted) return OK;
          const difference = firstJsonDifference(expected, found[0], path, true);
          return difference === undefined ? OK : { ok: false, reason: difference.reason, diff: jsonDiff(expected, found[0]) };
        }),
        wanted ? `${path} = ${JSON.stringify(expected)}` : `${path} exists`,
      ];
    }
    case 'schema': {
      const validate: ValidateFunction = compileSchema(value);
      return [
        jsonCheck((actual) => {
          if (validate(actual)) return OK;
          const problems = (validate.errors ?? []).map((error) => `${error.instancePath || '(the message)'} ${error.message ?? 'is invalid'}`);
          return { ok: false, reason: `it does not satisfy the schema: ${problems.join('; ')}` };
        }),
        'JSON Schema',
      ];
    }
    case 'binary':
    case 'base64': {
      const text = needString();
      let expected: Buffer;
      try {
        expected = key === 'binary' ? parseHex(text) : parseBase64(text);
      } catch (error) {
        throw new MatcherSpecError((error as Error).message, key);
      }
      return [
        (message) => {
          if (!message.binary) return { ok: false, reason: 'a text message came, binary was expected' };
          if (message.data.equals(expected)) return OK;
          return { ok: false, reason: 'the bytes differ', diff: textDiff(describeBytes(expected), describeBytes(message.data)) };
        },
        `binary ${describeBytes(expected)}`,
      ];
    }
    case 'value':
      throw new MatcherSpecError('"value" needs "jsonPath"', key);
  }
}

/** A check on a text message's text (binary messages are refused: they are not text). */
function textCheck(check: (text: string) => MatchResult): Check {
  return (message) => (message.binary ? { ok: false, reason: 'a binary message came, text was expected' } : check(message.data.toString('utf8')));
}

/** A check on a message's parsed JSON. */
function jsonCheck(check: (value: unknown) => MatchResult): Check {
  return (message) => {
    if (message.binary) return { ok: false, reason: 'a binary message came, JSON text was expected' };
    let value: unknown;
    try {
      value = JSON.parse(message.data.toString('utf8'));
    } catch (error) {
      return { ok: false, reason: `it is not JSON (${(error as Error).message})` };
    }
    return check(value);
  };
}
