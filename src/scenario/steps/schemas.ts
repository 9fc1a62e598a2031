/** Schema fragments steps share: durations, messages, matchers, close codes. */
import { MATCHER_KEYS } from '../../matchers/index.js';
import { DURATION_PATTERN, MESSAGE_KINDS } from '../../templating/index.js';
import type { JsonSchema } from './step-kind.js';

export const durationSchema: JsonSchema = {
  description: 'a duration: 500ms, 2s, 1.5s, 1m; a number is seconds',
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: DURATION_PATTERN },
  ],
};

/** An inline message: one of text, json, binary (hex), base64, file. */
export const inlineMessageSchema: JsonSchema = {
  type: 'object',
  description: `a message: an object with one of ${MESSAGE_KINDS.join(', ')}`,
  properties: {
    text: { type: 'string' },
    json: {},
    binary: { type: 'string', description: 'hex bytes: "48 69 00"' },
    base64: { type: 'string' },
    file: { type: 'string', description: "a file's bytes, sent as a binary message (relative to this file)" },
  },
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
};

/** What `send` and `every` take: a saved message's name or an inline message. */
export const messageRefSchema: JsonSchema = {
  description: `a message's name, or an object with one of ${MESSAGE_KINDS.join(', ')}`,
  anyOf: [{ type: 'string', description: 'the name of a message under messages:' }, inlineMessageSchema],
};

/** What a message under `messages:` is: a string is text. */
export const savedMessageSchema: JsonSchema = {
  description: `text, or an object with one of ${MESSAGE_KINDS.join(', ')}`,
  anyOf: [{ type: 'string' }, inlineMessageSchema],
};

const matcherProperties: Record<string, JsonSchema> = {
  text: { type: 'string', description: 'the exact text' },
  contains: { type: 'string' },
  regex: { type: 'string', description: 'a regular expression (JavaScript, unicode)' },
  json: { description: 'the message is JSON holding this (objects: these keys at least)' },
  jsonPath: { type: 'string', description: 'a JSONPath (with value: its first result equals value; without: it exists)' },
  value: {},
  schema: { type: ['object', 'boolean'], description: 'a JSON Schema the message satisfies' },
  binary: { type: 'string', description: 'exactly these hex bytes' },
  base64: { type: 'string', description: 'exactly these bytes' },
  message: { type: 'string', description: 'exactly the message saved under this name' },
};

/** The keys a matcher object may have (MATCHER_KEYS and `message`). */
export const MATCHER_OBJECT_KEYS = [...MATCHER_KEYS, 'message'];

/** A matcher with the step's own keys beside it (`within`, `capture`...). */
export function matcherSchema(extra: Record<string, JsonSchema>): JsonSchema {
  const keys = MATCHER_OBJECT_KEYS.filter((key) => key !== 'value').join(', ');
  return {
    description: `a message's name, or a matcher: an object with ${keys}`,
    anyOf: [
      { type: 'string', description: 'the name of a message under messages: (that exact message)' },
      {
        type: 'object',
        description: `a matcher: an object with one of ${keys} (and ${Object.keys(extra).join(', ')})`,
        properties: { ...matcherProperties, ...extra },
        additionalProperties: false,
        anyOf: MATCHER_OBJECT_KEYS.filter((key) => key !== 'value').map((key) => ({ required: [key] })),
      },
    ],
  };
}

export const captureSchema: JsonSchema = {
  type: 'object',
  description: 'variables to set from the message: name: JSONPath ($.token), or "$" for all of it',
  additionalProperties: { type: 'string' },
};

export const closeCodeSchema: JsonSchema = { type: 'integer', minimum: 0, maximum: 65535 };

export const MESSAGE_KIND_LIST = MESSAGE_KINDS.join(', ');
