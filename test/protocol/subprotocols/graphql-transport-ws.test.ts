/**
 * The graphql-transport-ws codec: every message type parsed and encoded back, every bad shape
 * refused with its reason, and the same verdict as the graphql-ws library's own validateMessage
 * on every sample (the reference for what a server closes with 4400).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateMessage } from 'graphql-ws';
import {
  describeCloseCode,
  encodeGraphqlTransportWs,
  formatCloseCode,
  GRAPHQL_TRANSPORT_WS,
  GRAPHQL_TRANSPORT_WS_CLOSE_CODES,
  GRAPHQL_TRANSPORT_WS_TYPES,
  type GraphqlTransportWsMessage,
  GraphqlTransportWsCloseCode,
  parseGraphqlTransportWs,
} from '../../../src/protocol/index.js';

const VALID: GraphqlTransportWsMessage[] = [
  { type: 'connection_init' },
  { type: 'connection_init', payload: { token: 'T' } },
  { type: 'connection_init', payload: null },
  { type: 'connection_ack' },
  { type: 'connection_ack', payload: { server: 'x' } },
  { type: 'ping' },
  { type: 'ping', payload: { at: 1 } },
  { type: 'pong' },
  { type: 'pong', payload: null },
  { type: 'subscribe', id: '1', payload: { query: 'subscription { count }' } },
  { type: 'subscribe', id: 'a-b', payload: { query: 'query Q($n: Int) { n(x: $n) }', variables: { n: 1 }, operationName: 'Q', extensions: { e: 1 } } },
  { type: 'subscribe', id: '2', payload: { query: '{ a }', variables: null, operationName: null } },
  { type: 'next', id: '1', payload: { data: { count: 1 } } },
  { type: 'next', id: '1', payload: { data: null, errors: [{ message: 'boom', path: ['count'] }] } },
  { type: 'error', id: '1', payload: [{ message: 'Cannot query field "x"', locations: [{ line: 1, column: 3 }] }] },
  { type: 'complete', id: '1' },
];

/** Text, and a word the reason must contain. */
const INVALID: Array<[string, string]> = [
  ['not json', 'not JSON'],
  ['[1,2]', 'got array'],
  ['"connection_init"', 'got string'],
  ['null', 'got null'],
  ['{}', "no 'type'"],
  ['{"type":1}', "'type' is a string, got number"],
  ['{"type":"start","id":"1","payload":{"query":"{a}"}}', 'unknown message type "start"'],
  ['{"type":"connection_init","payload":"token"}', '"connection_init" payload is an object, null or absent, got string'],
  ['{"type":"connection_ack","payload":[1]}', 'got array'],
  ['{"type":"ping","payload":5}', 'got number'],
  ['{"type":"pong","payload":true}', 'got boolean'],
  ['{"type":"subscribe","payload":{"query":"{a}"}}', '"subscribe" needs a string \'id\', got undefined'],
  ['{"type":"subscribe","id":"","payload":{"query":"{a}"}}', "non-empty 'id'"],
  ['{"type":"subscribe","id":1,"payload":{"query":"{a}"}}', 'got number'],
  ['{"type":"subscribe","id":"1"}', "needs an object 'payload', got undefined"],
  ['{"type":"subscribe","id":"1","payload":{}}', "needs a string 'query', got undefined"],
  ['{"type":"subscribe","id":"1","payload":{"query":"{a}","variables":[1]}}', "'variables' is an object, null or absent, got array"],
  ['{"type":"subscribe","id":"1","payload":{"query":"{a}","operationName":3}}', "'operationName' is a string"],
  ['{"type":"subscribe","id":"1","payload":{"query":"{a}","extensions":"x"}}', "'extensions' is an object"],
  ['{"type":"next","id":"1"}', '"next" needs an object \'payload\''],
  ['{"type":"next","id":"1","payload":[]}', 'got array'],
  ['{"type":"next","payload":{"data":{}}}', '"next" needs a string \'id\''],
  ['{"type":"error","id":"1","payload":[]}', 'non-empty list of GraphQL errors'],
  ['{"type":"error","id":"1","payload":{"message":"x"}}', 'non-empty list of GraphQL errors'],
  ['{"type":"error","id":"1","payload":[{"msg":"x"}]}', 'non-empty list of GraphQL errors'],
  ['{"type":"complete"}', '"complete" needs a string \'id\''],
  ['{"type":"complete","id":""}', "non-empty 'id'"],
];

/** graphql-ws's verdict: does its validateMessage accept the text? */
function libraryAccepts(text: string): boolean {
  try {
    validateMessage(JSON.parse(text));
    return true;
  } catch {
    return false;
  }
}

describe('graphql-transport-ws codec', () => {
  test('the subprotocol name and every message type', () => {
    assert.equal(GRAPHQL_TRANSPORT_WS, 'graphql-transport-ws');
    assert.deepEqual(new Set(VALID.map((m) => m.type)), new Set(GRAPHQL_TRANSPORT_WS_TYPES));
  });

  for (const message of VALID) {
    const text = encodeGraphqlTransportWs(message);
    test(`valid: ${text}`, () => {
      assert.deepEqual(parseGraphqlTransportWs(text), { message });
      assert.deepEqual(JSON.parse(text), message, 'encoded as the JSON of the message');
      assert.equal(libraryAccepts(text), true, 'graphql-ws accepts it too');
    });
  }

  for (const [text, reason] of INVALID) {
    test(`invalid: ${text}`, () => {
      const result = parseGraphqlTransportWs(text);
      assert.ok('error' in result, `refused: ${JSON.stringify(result)}`);
      assert.ok(result.error.includes(reason), `reason ${JSON.stringify(result.error)} names ${JSON.stringify(reason)}`);
      if (text !== 'not json') assert.equal(libraryAccepts(text), false, 'graphql-ws refuses it too');
    });
  }

  test('close codes: each with its meaning once graphql-transport-ws was agreed, private use otherwise', () => {
    assert.deepEqual(
      GRAPHQL_TRANSPORT_WS_CLOSE_CODES.map((c) => c.code),
      [4400, 4401, 4403, 4406, 4408, 4409, 4429, 4500],
    );
    assert.deepEqual(Object.values(GraphqlTransportWsCloseCode), [4400, 4401, 4403, 4406, 4408, 4409, 4429, 4500]);
    const expected: Record<number, string> = {
      4400: 'Invalid Message',
      4401: 'Unauthorized',
      4403: 'Forbidden',
      4406: 'Subprotocol Not Acceptable',
      4408: 'Connection Initialisation Timeout',
      4409: 'Subscriber Already Exists',
      4429: 'Too Many Initialisation Requests',
      4500: 'Internal Server Error',
    };
    for (const [code, name] of Object.entries(expected)) {
      const info = describeCloseCode(Number(code), 'graphql-transport-ws');
      assert.equal(info.name, name);
      assert.match(info.meaning, /^graphql-transport-ws: /);
      assert.equal(info.sendable, true);
      assert.equal(formatCloseCode(Number(code), 'graphql-transport-ws'), `${code} ${name}`);
      assert.equal(describeCloseCode(Number(code)).name, 'Private Use', 'no subprotocol: the range only');
      assert.equal(describeCloseCode(Number(code), 'graphql-ws').name, 'Private Use', 'the legacy protocol has no close codes');
    }
    assert.equal(describeCloseCode(1000, 'graphql-transport-ws').name, 'Normal Closure', 'registered codes keep their meaning');
    assert.equal(describeCloseCode(4001, 'graphql-transport-ws').name, 'Private Use');
  });
});
