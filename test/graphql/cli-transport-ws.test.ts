/** `wscope graphql` against the graphql-ws library's own server (graphql-transport-ws), in pipe mode. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { killAll, runCli } from '../cli/helpers.js';
import { jsonLines } from './output.js';
import { graphqlWsServer } from './servers.js';

after(killAll);

describe('wscope graphql on graphql-transport-ws (graphql-ws server)', () => {
  test('a subscription: every result on its own line, complete, exit 0', async () => {
    const server = await graphqlWsServer();
    try {
      const { code, stdout, stderr } = await runCli(['graphql', server.url, '-q', 'subscription { count(to: 3) }'], '');
      assert.equal(code, 0, stderr);
      assert.deepEqual(jsonLines(stdout), [{ data: { count: 1 } }, { data: { count: 2 } }, { data: { count: 3 } }]);
      assert.match(stderr, /the server chose graphql-transport-ws/);
      assert.match(stderr, /#1 complete after 3 results/);
      assert.match(stderr, /closed 1000 Normal Closure/);
      assert.deepEqual(
        server.received.map((m) => m['type']),
        ['connection_init', 'subscribe'],
      );
    } finally {
      await server.close();
    }
  });

  test('a syntax error: line and column, nothing sent (no connection at all), exit 2', async () => {
    const server = await graphqlWsServer();
    try {
      const { code, stdout, stderr } = await runCli(['graphql', server.url, '-q', 'subscription { count(to: 3) '], '');
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, /Syntax Error: Expected Name, found <EOF>\. \(line 1, column 29\); nothing was sent/);
      assert.deepEqual(server.protocols, [], 'the server saw no connection');
    } finally {
      await server.close();
    }
  });
});
