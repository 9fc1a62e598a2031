/** The legacy graphql-ws (subscriptions-transport-ws) codec: every message type, and bad shapes refused with their reason. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeGraphqlWsLegacy,
  GRAPHQL_WS_LEGACY,
  GRAPHQL_WS_LEGACY_TYPES,
  type GraphqlWsLegacyMessage,
  parseGraphqlWsLegacy,
} from '../../../src/protocol/index.js';

const VALID: GraphqlWsLegacyMessage[] = [
  { type: 'connection_init' },
  { type: 'connection_init', payload: { authToken: 'T' } },
  { type: 'connection_ack' },
  { type: 'connection_error', payload: { message: 'refused' } },
  { type: 'connection_error' },
  { type: 'ka' },
  { type: 'connection_terminate' },
  { type: 'start', id: '1', payload: { query: 'subscription { count }', variables: { n: 2 }, operationName: null } },
  { type: 'data', id: '1', payload: { data: { count: 1 } } },
  { type: 'data', id: '1', payload: { errors: [{ message: 'Cannot query field "x"' }] } },
  { type: 'error', id: '1', payload: { message: 'boom' } },
  { type: 'error', id: '1', payload: [{ message: 'boom' }] },
  { type: 'complete', id: '1' },
  { type: 'stop', id: '1' },
];

const INVALID: Array<[string, string]> = [
  ['{', 'not JSON'],
  ['[]', 'got array'],
  ['{"id":"1"}', "no 'type'"],
  ['{"type":"next","id":"1","payload":{}}', 'unknown message type "next"'],
  ['{"type":"subscribe","id":"1","payload":{"query":"{a}"}}', 'unknown message type "subscribe"'],
  ['{"type":"connection_init","payload":"T"}', '"connection_init" payload is an object, null or absent, got string'],
  ['{"type":"connection_error","payload":"nope"}', 'an object or a list of errors, got string'],
  ['{"type":"start","id":1,"payload":{"query":"{a}"}}', '"start" needs a string \'id\', got number'],
  ['{"type":"start","id":"1"}', "needs an object 'payload'"],
  ['{"type":"start","id":"1","payload":{"query":5}}', "needs a string 'query', got number"],
  ['{"type":"start","id":"1","payload":{"query":"{a}","variables":"x"}}', "'variables' is an object"],
  ['{"type":"data","id":"1","payload":"x"}', '"data" needs an object \'payload\''],
  ['{"type":"data","payload":{}}', '"data" needs a string \'id\''],
  ['{"type":"error","id":"1","payload":"boom"}', 'an error or a list of errors, got string'],
  ['{"type":"complete"}', '"complete" needs a string \'id\''],
  ['{"type":"stop","id":null}', '"stop" needs a string \'id\', got null'],
];

describe('graphql-ws (legacy) codec', () => {
  test('the subprotocol name and every message type', () => {
    assert.equal(GRAPHQL_WS_LEGACY, 'graphql-ws');
    assert.deepEqual(new Set(VALID.map((m) => m.type)), new Set(GRAPHQL_WS_LEGACY_TYPES));
  });

  for (const message of VALID) {
    const text = encodeGraphqlWsLegacy(message);
    test(`valid: ${text}`, () => {
      assert.deepEqual(parseGraphqlWsLegacy(text), { message });
      assert.deepEqual(JSON.parse(text), message);
    });
  }

  test('connection messages as the reference server sends them: id null or absent, payload null', () => {
    for (const text of ['{"type":"connection_ack","id":null}', '{"type":"ka"}', '{"type":"connection_error","id":"","payload":{"message":"x"}}']) {
      assert.ok('message' in parseGraphqlWsLegacy(text), text);
    }
    assert.deepEqual(parseGraphqlWsLegacy('{"type":"complete","id":"3","payload":null}'), { message: { type: 'complete', id: '3', payload: null } });
  });

  for (const [text, reason] of INVALID) {
    test(`invalid: ${text}`, () => {
      const result = parseGraphqlWsLegacy(text);
      assert.ok('error' in result, `refused: ${JSON.stringify(result)}`);
      assert.ok(result.error.includes(reason), `reason ${JSON.stringify(result.error)} names ${JSON.stringify(reason)}`);
    });
  }
});
