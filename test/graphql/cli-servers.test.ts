/**
 * `wscope graphql` against real servers that are not ours, the same cases on each: the graphql-ws
 * library's server (graphql-transport-ws) and Apollo's subscriptions-transport-ws (legacy
 * graphql-ws). Pipe mode: stdout parsed line by line, status on stderr, the exit code, and what
 * the server received.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { killAll, runCli } from '../cli/helpers.js';
import { jsonLines } from './output.js';
import { graphqlWsServer, legacyServer, type TestGraphqlServer } from './servers.js';

after(killAll);

interface ServerKind {
  protocol: 'graphql-transport-ws' | 'graphql-ws';
  start(options?: { refuse?: boolean }): Promise<TestGraphqlServer>;
  /** The message that starts an operation, and the one that stops it. */
  startType: string;
  stopType: string;
}

const KINDS: ServerKind[] = [
  { protocol: 'graphql-transport-ws', start: graphqlWsServer, startType: 'subscribe', stopType: 'complete' },
  { protocol: 'graphql-ws', start: legacyServer, startType: 'start', stopType: 'stop' },
];

async function withServer<T>(kind: ServerKind, run: (server: TestGraphqlServer) => Promise<T>, options: { refuse?: boolean } = {}): Promise<T> {
  const server = await kind.start(options);
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

for (const kind of KINDS) {
  const graphql = (server: TestGraphqlServer, ...args: string[]) => runCli(['graphql', server.url, '--protocol', kind.protocol, ...args], '');

  describe(`wscope graphql --protocol ${kind.protocol}`, () => {
    test('a subscription that completes: each result on its line, exit 0', () =>
      withServer(kind, async (server) => {
        const { code, stdout, stderr } = await graphql(server, '-q', 'subscription { count(to: 3) }');
        assert.equal(code, 0, stderr);
        assert.deepEqual(jsonLines(stdout), [{ data: { count: 1 } }, { data: { count: 2 } }, { data: { count: 3 } }]);
        assert.match(stderr, new RegExp(`subprotocol ${kind.protocol}`));
        assert.match(stderr, /#1 complete after 3 results/);
        assert.equal(server.received.filter((m) => m['type'] === kind.startType).length, 1);
        assert.deepEqual(server.protocols, [kind.protocol]);
      }));

    test('a query with variables and an operation name: one result, then done', () =>
      withServer(kind, async (server) => {
        const { code, stdout, stderr } = await graphql(
          server,
          '-q',
          'query Other { hello } query Greet($n: String) { hello(name: $n) }',
          '--operation-name',
          'Greet',
          '-v',
          '{"n":"ada"}',
        );
        assert.equal(code, 0, stderr);
        assert.deepEqual(jsonLines(stdout), [{ data: { hello: 'hello ada' } }]);
        const started = server.received.find((m) => m['type'] === kind.startType) as { payload: Record<string, unknown> };
        assert.deepEqual(started.payload['variables'], { n: 'ada' });
        assert.equal(started.payload['operationName'], 'Greet');
      }));

    test('a mutation: its one result', () =>
      withServer(kind, async (server) => {
        const { code, stdout, stderr } = await graphql(server, '-q', 'mutation { add(a: 2, b: 3) }');
        assert.equal(code, 0, stderr);
        assert.deepEqual(jsonLines(stdout), [{ data: { add: 5 } }]);
      }));

    test(`-n 2 on an endless subscription: two results, then ${kind.stopType} for it and close 1000`, () =>
      withServer(kind, async (server) => {
        const { code, stdout, stderr } = await graphql(server, '-q', 'subscription { ticks }', '-n', '2');
        assert.equal(code, 0, stderr);
        assert.deepEqual(jsonLines(stdout), [{ data: { ticks: 1 } }, { data: { ticks: 2 } }]);
        const stopped = server.received.find((m) => m['type'] === kind.stopType);
        assert.deepEqual(stopped, { type: kind.stopType, id: '1' });
      }));

    test('errors in a result: the result as sent, exit 13', () =>
      withServer(kind, async (server) => {
        const { code, stdout, stderr } = await graphql(server, '-q', '{ broken }');
        assert.equal(code, 13, stderr);
        const [result] = jsonLines(stdout) as Array<{ data: unknown; errors: Array<{ message: string; path: string[] }> }>;
        assert.deepEqual(result!.data, { broken: null });
        assert.equal(result!.errors[0]!.message, 'broken on purpose');
        assert.deepEqual(result!.errors[0]!.path, ['broken']);
      }));

    test("a query the server's schema refuses: its errors on stdout, exit 13", () =>
      withServer(kind, async (server) => {
        const { code, stdout, stderr } = await graphql(server, '-q', '{ nope }');
        assert.equal(code, 13, stderr);
        const [result] = jsonLines(stdout) as Array<{ errors: Array<{ message: string }> }>;
        assert.match(result!.errors[0]!.message, /Cannot query field "nope" on type "Query"/);
      }));

    test('a subscription that fails after one result: the result, then the error, exit 13', () =>
      withServer(kind, async (server) => {
        const { code, stdout, stderr } = await graphql(server, '-q', 'subscription { fail }');
        assert.equal(code, 13, stderr);
        const lines = jsonLines(stdout) as Array<Record<string, unknown>>;
        assert.deepEqual(lines[0], { data: { fail: 1 } });
        assert.match(JSON.stringify(lines.slice(1)), /the subscription failed/);
      }));
  });
}

describe('auth refused at connection_init', () => {
  test('graphql-transport-ws: the server closes 4403, shown with its meaning, exit 8', () =>
    withServer(
      KINDS[0]!,
      async (server) => {
        const { code, stdout, stderr } = await runCli(['graphql', server.url, '-q', '{ hello }', '--init', '{"token":"bad"}'], '');
        assert.equal(code, 8, stderr);
        assert.equal(stdout, '');
        assert.match(stderr, /closed 4403 Forbidden/);
        assert.deepEqual(server.received[0], { type: 'connection_init', payload: { token: 'bad' } });
        assert.equal(
          server.received.some((m) => m['type'] === 'subscribe'),
          false,
          'nothing subscribed before the ack',
        );
      },
      { refuse: true },
    ));

  test('legacy graphql-ws: connection_error is reported with its message, exit 8', () =>
    withServer(
      KINDS[1]!,
      async (server) => {
        const { code, stdout, stderr } = await runCli(['graphql', server.url, '--protocol', 'graphql-ws', '-q', '{ hello }'], '');
        assert.equal(code, 8, stderr);
        assert.equal(stdout, '');
        assert.match(stderr, /the server refused connection_init: forbidden: bad token/);
        assert.equal(
          server.received.some((m) => m['type'] === 'start'),
          false,
        );
      },
      { refuse: true },
    ));
});
