/**
 * describeGraphqlMessage: what a message of either protocol is, for --show-frames and the
 * inspector; and --show-frames in connect mode printing it for what leaves and what comes.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { describeGraphqlMessage, formatGraphqlSummary } from '../../src/graphql/describe.js';
import { killAll, runCli } from '../cli/helpers.js';
import { type RunningMock, startMock } from './serve-helpers.js';

let mock: RunningMock | undefined;
after(async () => {
  await mock?.close();
  killAll();
});

test('graphql-transport-ws: type, id, and for subscribe the operation and its name', () => {
  const subscribe = (payload: object) => JSON.stringify({ type: 'subscribe', id: '7', payload });
  assert.deepEqual(describeGraphqlMessage(subscribe({ query: 'subscription OnCount { count }' }), 'graphql-transport-ws'), {
    type: 'subscribe',
    id: '7',
    operation: 'subscription',
    operationName: 'OnCount',
  });
  // operationName picks one of several; comments and strings do not confuse the reading.
  const document = '# query Fake { x }\nquery A { a(s: "mutation Z {") }\nmutation B { b }';
  assert.deepEqual(describeGraphqlMessage(subscribe({ query: document, operationName: 'B' }), 'graphql-transport-ws'), {
    type: 'subscribe',
    id: '7',
    operation: 'mutation',
    operationName: 'B',
  });
  assert.deepEqual(describeGraphqlMessage(subscribe({ query: 'fragment F on Query { a } { ...F }' }), 'graphql-transport-ws'), {
    type: 'subscribe',
    id: '7',
    operation: 'query',
  });
  assert.deepEqual(describeGraphqlMessage('{"type":"next","id":"7","payload":{"data":{}}}', 'graphql-transport-ws'), { type: 'next', id: '7' });
  assert.deepEqual(describeGraphqlMessage('{"type":"connection_ack"}', 'graphql-transport-ws'), { type: 'connection_ack' });
  const invalid = describeGraphqlMessage('{"type":"start","id":"1"}', 'graphql-transport-ws');
  assert.equal(invalid?.type, 'invalid');
  assert.match(formatGraphqlSummary(invalid!), /^invalid: unknown message type "start"/);
});

test('legacy graphql-ws: start carries the operation, data and ka are named; other subprotocols: nothing', () => {
  const start = describeGraphqlMessage(
    JSON.stringify({ type: 'start', id: '1', payload: { query: 'mutation Rename { rename(name: "x") { name } }' } }),
    'graphql-ws',
  );
  assert.deepEqual(start, { type: 'start', id: '1', operation: 'mutation', operationName: 'Rename' });
  assert.equal(formatGraphqlSummary(start!), 'start 1 mutation Rename');
  assert.deepEqual(describeGraphqlMessage('{"type":"ka"}', 'graphql-ws'), { type: 'ka' });
  assert.equal(describeGraphqlMessage('{"type":"ka"}', ''), undefined);
  assert.equal(describeGraphqlMessage('{"type":"ka"}', 'mqtt'), undefined);
});

test('connect --show-frames decodes the GraphQL messages both ways', { timeout: 30_000 }, async () => {
  mock = await startMock();
  const lines = ['{"type":"connection_init"}', '{"type":"subscribe","id":"1","payload":{"query":"query Hi { hello }"}}'].join('\n');
  const result = await runCli(['connect', mock.url, '-s', 'graphql-transport-ws', '--show-frames', '-w', '1'], `${lines}\n`, { timeoutMs: 20_000 });
  assert.equal(result.code, 0, result.stderr);
  const graphqlLines = result.stderr.split('\n').filter((line) => line.includes(' graphql '));
  // Each direction in its order (stdin's two lines may both leave before the ack comes).
  assert.deepEqual(
    graphqlLines.filter((line) => line.startsWith('>')),
    ['> graphql connection_init', '> graphql subscribe 1 query Hi'],
  );
  assert.deepEqual(
    graphqlLines.filter((line) => line.startsWith('<')),
    ['< graphql connection_ack', '< graphql next 1', '< graphql complete 1'],
  );
});
