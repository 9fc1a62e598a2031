/**
 * `wscope graphql serve` as a user runs it: the real CLI in a child process on a port the test
 * chose, driven by graphql-ws's client and by `wscope graphql` (another process), its stderr
 * lines read; bad files are one line and exit 12.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { CliProcess, freePort, killAll, runCli, tempDir } from '../cli/helpers.js';
import { collectTransportWs, MOCKS_YAML, SCHEMA_SDL, transportWsClient } from './serve-helpers.js';

const dir = tempDir();
after(() => {
  killAll();
  dir.remove();
});

async function serve(extra: string[] = []): Promise<{ cli: CliProcess; url: string; port: number }> {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${dir.path}/schema.graphql`, SCHEMA_SDL);
  writeFileSync(`${dir.path}/mocks.yaml`, MOCKS_YAML);
  const port = await freePort();
  const cli = new CliProcess(['graphql', 'serve', `${dir.path}/schema.graphql`, '--port', String(port), '--mocks', `${dir.path}/mocks.yaml`, ...extra]);
  await cli.waitFor('stderr', /graphql mock of .* on ws:\/\/127\.0\.0\.1:\d+\//, 15_000);
  return { cli, url: `ws://127.0.0.1:${port}/graphql`, port };
}

describe('wscope graphql serve, the process', { timeout: 120_000 }, () => {
  test('serves what the graphql-ws client asks, a line on stderr for each connection and operation; SIGTERM exits 0', async () => {
    const { cli, url } = await serve(['--interval', '100ms', '--count', '2']);
    // The schema line is a write of its own after the listening line: it may come in a later read of the pipe.
    await cli.waitFor('stderr', /Query: hello, me, users; Mutation: rename; Subscription: count, userJoined/);
    const client = transportWsClient(url);
    const query = await collectTransportWs(client, { query: 'query Hi { hello me { name } }' });
    const counted = await collectTransportWs(client, { query: 'subscription Counting { count }' });
    await client.dispose();
    assert.deepEqual(query.results, [{ data: { hello: 'world', me: { name: 'Ada' } } }]);
    assert.equal(counted.results.length, 2);
    assert.equal(counted.completed, true);
    await cli.waitFor('stderr', /#1 closed 1000/);
    assert.match(cli.stderr, /#1 connected from 127\.0\.0\.1:\d+ \/graphql, graphql-transport-ws\n/);
    assert.match(cli.stderr, /#1 connection_init: acknowledged\n/);
    assert.match(cli.stderr, /#1 [\w-]+: query Hi\n#1 [\w-]+: complete after 1 result\n/);
    assert.match(cli.stderr, /#1 [\w-]+: subscription Counting\n#1 [\w-]+: complete after 2 results\n/);
    assert.equal(cli.stdout, '');
    cli.child.kill('SIGTERM');
    const result = await cli.result(5000);
    assert.equal(result.code, 0);
  });

  test('driven by `wscope graphql` in pipe mode, both protocols: one JSON result per line', async () => {
    const { cli, url } = await serve(['--interval', '50ms']);
    const auto = await runCli(['graphql', url, '-q', 'subscription { userJoined { name } }'], '', { timeoutMs: 20_000 });
    assert.equal(auto.code, 0, auto.stderr);
    assert.deepEqual(
      auto.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
      [{ data: { userJoined: { name: 'Grace' } } }, { data: { userJoined: { name: 'Linus' } } }],
    );
    const legacy = await runCli(['graphql', url, '--protocol', 'graphql-ws', '-q', '{ hello }'], '', { timeoutMs: 20_000 });
    assert.equal(legacy.code, 0, legacy.stderr);
    assert.deepEqual(JSON.parse(legacy.stdout), { data: { hello: 'world' } });
    await cli.waitFor('stderr', /#2 connected from .*, graphql-ws\n/);
    // A validation error: the client exits 13, the server's line names it.
    const invalid = await runCli(['graphql', url, '-q', '{ nope }'], '', { timeoutMs: 20_000 });
    assert.equal(invalid.code, 13, invalid.stdout + invalid.stderr);
    await cli.waitFor('stderr', /#3 [\w-]+: validation error: Cannot query field "nope" on type "Query"\./);
    cli.kill();
  });

  test('a schema that does not parse: one line with its place, exit 12', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir.path}/broken.graphql`, 'type Query {\n  hello: \n}\n');
    const result = await runCli(['graphql', 'serve', `${dir.path}/broken.graphql`, '--port', '0'], undefined, { timeoutMs: 15_000 });
    assert.equal(result.code, 12);
    assert.match(result.stderr, /^error: .*broken\.graphql:3:1: Syntax Error: Expected Name, found "}"\.\n$/);
  });

  test('a mocks file naming a field the type lacks: one line with its place and path, exit 12', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir.path}/schema.graphql`, SCHEMA_SDL);
    writeFileSync(`${dir.path}/bad-mocks.yaml`, 'types:\n  User:\n    nmae: Ada\n');
    const result = await runCli(['graphql', 'serve', `${dir.path}/schema.graphql`, '--mocks', `${dir.path}/bad-mocks.yaml`, '--port', '0'], undefined, {
      timeoutMs: 15_000,
    });
    assert.equal(result.code, 12);
    assert.match(result.stderr, /^error: .*bad-mocks\.yaml:3:11: types\.User\.nmae: no field "nmae" on type User \(fields: id, name, age\)\n$/);
    writeFileSync(`${dir.path}/bad-shape.json`, '{ "subscriptions": { "count": 3 } }');
    const shape = await runCli(['graphql', 'serve', `${dir.path}/schema.graphql`, '--mocks', `${dir.path}/bad-shape.json`, '--port', '0'], undefined, {
      timeoutMs: 15_000,
    });
    assert.equal(shape.code, 12);
    assert.match(shape.stderr, /^error: .*bad-shape\.json:1:\d+: subscriptions\.count: must be array\n$/);
  });

  test('a port in use: exit 9', async () => {
    const { cli, port } = await serve();
    const second = await runCli(['graphql', 'serve', `${dir.path}/schema.graphql`, '--port', String(port)], undefined, { timeoutMs: 15_000 });
    assert.equal(second.code, 9);
    assert.match(second.stderr, /cannot listen on 127\.0\.0\.1 port \d+/);
    cli.kill();
  });
});
