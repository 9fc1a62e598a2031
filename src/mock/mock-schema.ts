/**
 * The JSON Schema of the `mock:` section, part of the file's schema (src/scenario/file-schema.ts
 * puts it under `mock`): what editors complete and check, and what the loader checks the shape
 * with before read-mock.ts turns the section into a MockConfig.
 */
import { closeCodeSchema, durationSchema, matcherSchema, messageRefSchema } from '../scenario/steps/schemas.js';

type JsonSchema = Record<string, unknown>;

const faults: Record<string, JsonSchema> = {
  delay: { ...(durationSchema as object), description: 'wait this long before sending (500ms, 2s; a number is seconds)' },
  fragment: { type: 'integer', minimum: 1, description: 'send it as frames of at most this many payload bytes' },
  drop: { description: 'do not send it: true, or the chance from 0 to 1', anyOf: [{ type: 'boolean' }, { type: 'number', minimum: 0, maximum: 1 }] },
};

const closeSchema: JsonSchema = {
  description: 'close with a code (any 0-65535: codes the API refuses go out raw), or { code, reason }; true: a Close without a code',
  anyOf: [
    { type: 'boolean', const: true },
    closeCodeSchema,
    { type: 'object', additionalProperties: false, properties: { code: closeCodeSchema, reason: { type: 'string' } } },
  ],
};

/** What an answer may do: reply (one message or a list), echo, then close or abort; with faults on the replies. */
const answerProperties: Record<string, JsonSchema> = {
  reply: {
    description: 'the reply: a message name or inline message, or a list of them',
    anyOf: [messageRefSchema, { type: 'array', items: messageRefSchema }],
  },
  echo: { type: 'boolean', description: 'send back what came, as it came' },
  close: closeSchema,
  abort: { type: 'boolean', description: 'cut the TCP connection, no Close frame' },
  ...faults,
};

const sendSchema: JsonSchema = {
  description: 'a message (name or inline), or { send: MESSAGE, delay, fragment, drop }',
  anyOf: [messageRefSchema, { type: 'object', required: ['send'], additionalProperties: false, properties: { send: messageRefSchema, ...faults } }],
};

const routeSchema: JsonSchema = {
  type: ['object', 'null'],
  description: 'what this path answers',
  additionalProperties: false,
  properties: {
    protocols: {
      description: 'subprotocols this path speaks, in preference order',
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" } }],
    },
    onConnect: { type: 'array', description: 'messages sent as soon as a client is connected', items: sendSchema },
    on: {
      type: 'array',
      description: 'rules for incoming messages: the first whose match: holds answers',
      items: {
        type: 'object',
        required: ['match'],
        additionalProperties: false,
        properties: { match: matcherSchema({}), ...answerProperties },
      },
    },
    push: {
      type: 'array',
      description: 'messages sent on a schedule while the client is connected',
      items: {
        type: 'object',
        required: ['every', 'send'],
        additionalProperties: false,
        properties: {
          every: { ...(durationSchema as object), description: 'the interval (100ms, 1s; a number is seconds)' },
          send: messageRefSchema,
          times: { type: 'integer', minimum: 1, description: 'stop after this many' },
          ...faults,
        },
      },
    },
    closeAfter: {
      type: 'object',
      description: 'end the connection after this many incoming messages (0: right after onConnect)',
      required: ['messages'],
      additionalProperties: false,
      properties: { messages: { type: 'integer', minimum: 0 }, code: closeCodeSchema, reason: { type: 'string' }, abort: { type: 'boolean' } },
    },
    unmatched: {
      description: "a message no rule matched: 'ignore' (the default), 'echo', or an answer { reply, close, abort, delay... }",
      anyOf: [
        { type: 'string', enum: ['ignore', 'echo'] },
        { type: 'object', additionalProperties: false, properties: answerProperties },
      ],
    },
  },
};

export const mockSchema: JsonSchema = {
  type: 'object',
  description: 'the mock server (wscope mock FILE): what each path answers; /status exactly, /chat/* one segment, /files/** any rest',
  minProperties: 1,
  additionalProperties: false,
  patternProperties: { '^/': routeSchema },
};
