/**
 * The JSON Schema of a `grpc serve --mocks` file (YAML or JSON), checked with ajv before anything
 * is served. What a schema cannot see (a method the protos do not have, a field its message does
 * not have, a stream of replies for a unary method) is checked by load-fixtures.ts.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { DURATION_PATTERN } from '../../templating/index.js';

/** Status names as the gRPC spec writes them (`NOT_FOUND`), from grpc-js' own table. */
export const STATUS_NAMES: readonly string[] = Object.keys(GrpcStatus).filter((key) => Number.isNaN(Number(key)));

const message = { type: 'object', description: 'a message in the proto3 JSON mapping' };

const rule = {
  type: 'object',
  additionalProperties: false,
  properties: {
    match: { type: 'object', description: 'answer with this rule only when the request holds these fields (a JSON subset)' },
    response: { ...message, description: 'the reply: one message (a stream of one for streaming replies)' },
    responses: { type: 'array', items: message, description: 'the replies of a server-streaming or bidi method, in order' },
    status: {
      type: 'object',
      description: 'end the call with this status (after the replies, if any)',
      required: ['code'],
      additionalProperties: false,
      properties: {
        code: {
          anyOf: [
            { type: 'integer', minimum: 0, maximum: 16 },
            { type: 'string', enum: STATUS_NAMES },
          ],
        },
        message: { type: 'string' },
        details: {
          type: 'array',
          description: 'google.rpc.Status details: messages with "@type" (type.googleapis.com/google.rpc.ErrorInfo...)',
          items: { type: 'object', required: ['@type'], properties: { '@type': { type: 'string' } } },
        },
      },
    },
    delay: {
      description: 'wait this long before each reply: 500ms, 2s; a number is seconds',
      anyOf: [
        { type: 'number', minimum: 0 },
        { type: 'string', pattern: DURATION_PATTERN },
      ],
    },
  },
  not: { required: ['response', 'responses'] },
};

export const fixturesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['methods'],
  properties: {
    methods: {
      type: 'object',
      description: 'fixtures by method, "package.Service/Method": one rule, or a list tried in order (the first whose match holds answers)',
      additionalProperties: { anyOf: [rule, { type: 'array', minItems: 1, items: rule }] },
    },
  },
};
