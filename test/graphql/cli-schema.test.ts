/** `wscope graphql URL --schema`: the schema as SDL, by introspection over WebSocket (either server) or over HTTP. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema, printSchema } from 'graphql';
import { killAll, runCli } from '../cli/helpers.js';
import { graphqlWsServer, httpGraphqlServer, legacyServer, SCHEMA_SDL, silentServer } from './servers.js';

after(killAll);

/** The SDL the graphql library prints for the servers' schema: what introspection must give back. */
const EXPECTED = `${printSchema(buildSchema(SCHEMA_SDL))}\n`;

describe('wscope graphql --schema', () => {
  for (const [name, start] of [
    ['graphql-ws', graphqlWsServer],
    ['subscriptions-transport-ws', legacyServer],
  ] as const) {
    test(`over WebSocket, from the ${name} server: the SDL alone on stdout`, async () => {
      const server = await start();
      try {
        const { code, stdout, stderr } = await runCli(['graphql', server.url, '--schema'], '');
        assert.equal(code, 0, stderr);
        assert.equal(stdout, EXPECTED);
      } finally {
        await server.close();
      }
    });
  }

  test('over HTTP with --http URL: a POST with the headers given, nothing over WebSocket', async () => {
    const http = await httpGraphqlServer();
    const ws = await silentServer('graphql-transport-ws');
    try {
      const { code, stdout, stderr } = await runCli(['graphql', ws.url, '--schema', '--http', http.url, '-H', 'Authorization: Bearer T'], '');
      assert.equal(code, 0, stderr);
      assert.equal(stdout, EXPECTED);
      assert.equal(http.requests.length, 1);
      assert.equal(http.requests[0]!.headers['authorization'], 'Bearer T');
      assert.match(JSON.parse(http.requests[0]!.body).query as string, /__schema/);
      assert.deepEqual(ws.protocols, [], 'no WebSocket connection');
    } finally {
      await http.close();
      await ws.close();
    }
  });

  test('--http to a port nobody listens on: one line, exit 3', async () => {
    const http = await httpGraphqlServer();
    const url = http.url;
    await http.close();
    const { code, stdout, stderr } = await runCli(['graphql', 'ws://127.0.0.1:1/', '--schema', '--http', url], '');
    assert.equal(code, 3);
    assert.equal(stdout, '');
    assert.match(stderr, /^error: POST http:\/\/127\.0\.0\.1:\d+\/graphql failed: connect ECONNREFUSED/m);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
  });
});
