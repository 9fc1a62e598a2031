/** `wscope graphql` with bad flags: one line on stderr, exit 2, no connection; and the flags that read files. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killAll, runCli, tempDir } from '../cli/helpers.js';
import { jsonLines } from './output.js';
import { graphqlWsServer } from './servers.js';

after(killAll);

describe('wscope graphql: bad flags', () => {
  const cases: Array<[string[], RegExp]> = [
    [['-q', '{ a }', '-v', '{nope'], /^error: -v is not JSON: /],
    [['-q', '{ a }', '-v', '[1]'], /^error: -v must be a JSON object/],
    [['-q', '{ a }', '-v', '{}', '--variables-file', 'x.json'], /^error: use either -v or --variables-file, not both/],
    [['-q', '{ a }', '--variables-file', '/nonexistent/v.json'], /^error: cannot read --variables-file \/nonexistent\/v\.json: ENOENT/],
    [['-q', '{ a }', '--init', '"token"'], /^error: --init must be a JSON object/],
    [
      ['-q', '{ a }', '--protocol', 'mqtt'],
      /^error: option '--protocol <protocol>' argument 'mqtt' is invalid\. Allowed choices are auto, graphql-transport-ws, graphql-ws\./,
    ],
    [['-q', '{ a }', '-n', '0'], /^error: option '-n, --count <n>' argument '0' is invalid\. expected an integer from 1/],
    [['-q', '{ a }', '-s', 'chat'], /^error: graphql offers its own subprotocols: use --protocol instead of -s/],
    [['-q', '{ a }', '--schema'], /^error: use either -q QUERY or --schema, not both/],
    [['--http', 'http://x/'], /^error: --http URL goes with --schema/],
    [['-v', '{}'], /^error: -v, --variables-file and --operation-name go with -q QUERY/],
    [[], /^error: -q QUERY is needed \(or --schema\) when not at a terminal/],
    [['-q', 'query A { a } query B { b }'], /^error: -q: the document has 2 operations: name one with --operation-name; nothing was sent/],
    [['-q', '{ a }', '--operation-name', 'C'], /^error: -q: the document has no operation named 'C'; nothing was sent/],
  ];
  for (const [args, expected] of cases) {
    test(args.join(' ') || '(no flags)', async () => {
      const server = await graphqlWsServer();
      try {
        const { code, stdout, stderr } = await runCli(['graphql', server.url, ...args], '');
        assert.equal(code, 2, stderr);
        assert.equal(stdout, '');
        assert.match(stderr, expected);
        assert.doesNotMatch(stderr, /\n\s+at /, 'no stack');
        assert.deepEqual(server.protocols, [], 'no connection');
      } finally {
        await server.close();
      }
    });
  }

  test('no URL at all: the usage, exit 2', async () => {
    const { code, stderr } = await runCli(['graphql', '-q', '{ a }'], '');
    assert.equal(code, 2);
    assert.match(stderr, /^error: missing the server's URL: wscope graphql URL -q QUERY/);
  });
});

describe('--variables-file', () => {
  test("the file's object is the operation's variables", async () => {
    const server = await graphqlWsServer();
    const dir = tempDir();
    try {
      const file = join(dir.path, 'vars.json');
      writeFileSync(file, '{"a": 20, "b": 22}');
      const { code, stdout, stderr } = await runCli(
        ['graphql', server.url, '-q', 'mutation($a: Int!, $b: Int!) { add(a: $a, b: $b) }', '--variables-file', file],
        '',
      );
      assert.equal(code, 0, stderr);
      assert.deepEqual(jsonLines(stdout), [{ data: { add: 42 } }]);
    } finally {
      dir.remove();
      await server.close();
    }
  });
});

describe('the trace names graphql-transport-ws close codes', () => {
  test('--record: the close event of a refused connection_init is 4403 Forbidden', async () => {
    const server = await graphqlWsServer({ refuse: true });
    const dir = tempDir();
    try {
      const file = join(dir.path, 'session.jsonl');
      const { code, stderr } = await runCli(['graphql', server.url, '-q', '{ hello }', '--record', file], '');
      assert.equal(code, 8, stderr);
      const events = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const close = events.find((e) => e['event'] === 'close');
      assert.equal(close?.['code'], 4403);
      assert.equal(close?.['name'], 'Forbidden');
    } finally {
      dir.remove();
      await server.close();
    }
  });
});
