/**
 * `graphql` steps in a scenario file, run by `wscope run` (the CLI in a child process) against
 * GraphQL servers: our mock (`wscope graphql serve`'s server) in both protocols. A failing
 * expectation exits 11 and its report says what came and how it differs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MOCKS_YAML, type RunningMock, startMock } from '../graphql/serve-helpers.js';
import { graphqlWsServer, legacyServer } from '../graphql/servers.js';
import { run, ScenarioFolder } from './helpers.js';

const folder = new ScenarioFolder();
let mock: RunningMock;

before(async () => {
  mock = await startMock({ fixtures: MOCKS_YAML, intervalMs: 50, count: 3 });
});
after(async () => {
  await mock.close();
  folder.remove();
});

/** A file's scenarios: `scenarios:` and then each of `parts`. */
const fileOf = (...parts: string[]) => `scenarios:\n${parts.join('')}`;

const scenario = (name: string, subprotocols: string, steps: string) => `
  - name: ${name}
    steps:
      - connect: { url: "{{url}}", subprotocols: ${subprotocols} }
${steps
  .trim()
  .split('\n')
  .map((line) => `      ${line.trim()}`)
  .join('\n')}
`;

const SUBSCRIPTION_STEPS = `
- graphql: { init: { token: abc } }
- graphql: { subscribe: joined, query: "subscription Joined { userJoined { name } }" }
- graphql: { subscribe: q, query: "{ hello }" }
- graphql: { next: q, json: { data: { hello: world } } }
- graphql: { complete: q }
- graphql: { next: joined, json: { data: { userJoined: { name: Grace } } }, within: 2s }
- graphql: { next: joined, jsonPath: "$.data.userJoined.name", value: Linus, capture: { who: "$.data.userJoined.name" } }
- graphql: { complete: joined, within: 2s }
- graphql: { subscribe: m, query: "mutation { rename(name: \\"{{who}}\\") { name } }" }
- graphql: { next: m, json: { data: { rename: { name: Ada } } } }
- graphql: { complete: m }
- close: 1000
- expectClose: 1000
`;

describe('wscope run with graphql steps, against the mock', { timeout: 60_000 }, () => {
  test('graphql-transport-ws (offered both): subscribe, next per id in any interleaving, complete, an error, a mutation', async () => {
    const path = folder.write(
      'both.wscope.yaml',
      fileOf(
        scenario('both offered', '[graphql-transport-ws, graphql-ws]', `${SUBSCRIPTION_STEPS}`) +
          scenario(
            'a validation error',
            '[graphql-transport-ws]',
            `
- graphql: { subscribe: bad, query: "{ nope }" }
- graphql: { error: bad, json: [ { message: 'Cannot query field "nope" on type "Query".', locations: [ { line: 1, column: 3 } ] } ] }
`,
          ),
      ),
    );
    const result = await run([path, '--var', `url=${mock.url}`]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /✓ both offered/);
    assert.match(result.stdout, /acknowledged \(graphql-transport-ws\)/);
    assert.match(result.stdout, /✓ graphql next joined json/);
    assert.match(result.stdout, /captured who = "Linus"/);
    assert.match(result.stdout, /2 passed/);
  });

  test('the legacy protocol: the same steps (next is data), validation errors as a data result', async () => {
    const path = folder.write(
      'legacy.wscope.yaml',
      fileOf(
        scenario('legacy', '[graphql-ws]', SUBSCRIPTION_STEPS) +
          scenario(
            'legacy validation',
            '[graphql-ws]',
            `
- graphql: { subscribe: bad, query: "{ nope }" }
- graphql: { next: bad, json: { errors: [ { message: 'Cannot query field "nope" on type "Query".' } ] } }
- graphql: { complete: bad }
`,
          ),
      ),
    );
    const result = await run([path, '--var', `url=${mock.url}`]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /acknowledged \(graphql-ws\)/);
    assert.match(result.stdout, /2 passed/);
  });

  test('a next that does not match fails the run with exit 11: the step, its place, what came and a diff', async () => {
    const path = folder.write(
      'wrong.wscope.yaml',
      fileOf(
        scenario(
          'wrong user',
          '[graphql-transport-ws]',
          `
- graphql: { subscribe: joined, query: "subscription { userJoined { name } }" }
- graphql: { next: joined, json: { data: { userJoined: { name: Nobody } } } }
- graphql: { complete: joined }
`,
        ),
      ),
    );
    const result = await run([path, '--var', `url=${mock.url}`]);
    assert.equal(result.code, 11, result.stdout + result.stderr);
    assert.match(result.stdout, /✗ graphql next joined json .*wrong\.wscope\.yaml:7:\d+/);
    assert.match(result.stdout, /the next payload did not match: \$\.data\.userJoined\.name is "Grace", expected "Nobody"/);
    assert.match(result.stdout, /received: \{"type":"next","id":"joined","payload":\{"data":\{"userJoined":\{"name":"Grace"\}\}\}\}/);
    assert.match(result.stdout, /- +"name": "Nobody"\n +\+ +"name": "Grace"/);
    assert.match(result.stdout, /- graphql complete joined \(skipped\)/);
  });

  test('complete expected while a next is still coming: the step says what came instead', async () => {
    const path = folder.write(
      'early.wscope.yaml',
      fileOf(
        scenario(
          'complete too early',
          '[graphql-transport-ws]',
          `
- graphql: { subscribe: c, query: "subscription { count }" }
- graphql: { complete: c }
`,
        ),
      ),
    );
    const result = await run([path, '--var', `url=${mock.url}`]);
    assert.equal(result.code, 11, result.stdout + result.stderr);
    assert.match(result.stdout, /expected complete for c, the server sent next/);
  });

  test('a duplicate id is closed with 4409, checked with expectClose; a syntax error is caught before sending', async () => {
    const path = folder.write(
      'violations.wscope.yaml',
      fileOf(
        scenario(
          'duplicate id',
          '[graphql-transport-ws]',
          `
- graphql: { subscribe: a, query: "subscription { count }" }
- graphql: { subscribe: a, query: "subscription { count }" }
- expectClose: 4409
`,
        ) +
          scenario(
            'syntax',
            '[graphql-transport-ws]',
            `
- graphql: { subscribe: a, query: "{ hello " }
`,
          ),
      ),
    );
    const result = await run([path, '--var', `url=${mock.url}`]);
    assert.equal(result.code, 11, result.stdout + result.stderr);
    assert.match(result.stdout, /✓ duplicate id/);
    assert.match(result.stdout, /closed 4409 Subscriber Already Exists "Subscriber for a already exists"|closed 4409 .*"Subscriber for a already exists"/);
    assert.match(result.stdout, /the query is not GraphQL \(line 1, column 9\): Syntax Error: Expected Name, found <EOF>\.; nothing was sent/);
  });

  test('graphql steps on a connection that agreed no GraphQL subprotocol say how to connect', async () => {
    const path = folder.write(
      'plain.wscope.yaml',
      fileOf(
        scenario(
          'no subprotocol',
          '[]',
          `
- graphql: { subscribe: a, query: "{ hello }" }
`,
        ),
      ),
    );
    const result = await run([path, '--var', `url=${mock.url}`]);
    assert.equal(result.code, 11, result.stdout + result.stderr);
    assert.match(result.stdout, /the connection agreed no subprotocol, not a GraphQL one: connect with subprotocols: \[graphql-transport-ws, graphql-ws\]/);
  });

  test('a graphql step with a misspelt key is a bad file: exit 12, one line naming its place', async () => {
    const path = folder.write('bad.wscope.yaml', fileOf(scenario('bad', '[graphql-transport-ws]', '- graphql: { subscribe: a, qurey: "{ hello }" }')));
    const result = await run([path, '--var', `url=${mock.url}`]);
    assert.equal(result.code, 12, result.stdout + result.stderr);
    assert.match(result.stderr, /bad\.wscope\.yaml:6:\d+: .*qurey/);
  });
});

describe('wscope run with graphql steps, against the reference servers', { timeout: 60_000 }, () => {
  // One offer for every server: subscriptions-transport-ws on ws takes the first subprotocol
  // offered (graphql-transport-ws first, it agrees to that and closes 1002), while graphql-ws's
  // server and ours pick graphql-transport-ws whatever the order.
  const BOTH_LEGACY_FIRST = '[graphql-ws, graphql-transport-ws]';
  const REFERENCE_STEPS = `
- graphql: { subscribe: c, query: "subscription ($to: Int!) { count(to: $to, interval: 20) }", variables: { to: 2 } }
- graphql: { next: c, json: { data: { count: 1 } } }
- graphql: { next: c, json: { data: { count: 2 } } }
- graphql: { complete: c }
- graphql: { subscribe: sum, query: "mutation { add(a: 2, b: 3) }" }
- graphql: { next: sum, json: { data: { add: 5 } } }
- graphql: { complete: sum }
- graphql: { subscribe: t, query: "subscription { ticks }" }
- graphql: { next: t, json: { data: { ticks: 1 } } }
- graphql: { stop: t }
- close: 1000
`;

  test("the graphql-ws library's server: subscriptions, a mutation, stop; an error for a failing subscription; a duplicate id closed 4409", async () => {
    const server = await graphqlWsServer();
    try {
      const path = folder.write(
        'graphql-ws.wscope.yaml',
        fileOf(
          scenario('graphql-ws server', BOTH_LEGACY_FIRST, REFERENCE_STEPS),
          scenario(
            'failing subscription',
            '[graphql-transport-ws]',
            `
- graphql: { subscribe: f, query: "subscription { fail }" }
- graphql: { next: f, json: { data: { fail: 1 } } }
- graphql: { error: f, json: [ { message: "the subscription failed" } ] }
`,
          ),
          scenario(
            'duplicate',
            '[graphql-transport-ws]',
            `
- graphql: { subscribe: t, query: "subscription { ticks }" }
- graphql: { subscribe: t, query: "subscription { ticks }" }
- expectClose: 4409
`,
          ),
        ),
      );
      const result = await run([path, '--var', `url=${server.url}`]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /3 passed/);
      // The server saw our stop as graphql-transport-ws's complete for t.
      assert.ok(server.received.some((m) => m['type'] === 'complete' && m['id'] === 't'));
    } finally {
      await server.close();
    }
  });

  test("subscriptions-transport-ws's server (legacy graphql-ws): the same steps; stop sent as stop", async () => {
    const server = await legacyServer();
    try {
      const path = folder.write('legacy-server.wscope.yaml', fileOf(scenario('legacy server', BOTH_LEGACY_FIRST, REFERENCE_STEPS)));
      const result = await run([path, '--var', `url=${server.url}`]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /acknowledged \(graphql-ws\)/);
      assert.ok(server.received.some((m) => m['type'] === 'stop' && m['id'] === 't'));
    } finally {
      await server.close();
    }
  });
});
