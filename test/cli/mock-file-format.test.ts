/**
 * `wscope mock` speaks the file format the scenario runner reads: environments (--env), saved
 * messages by name (to send and to match), the same matchers as expect: (jsonPath, schema,
 * binary), dynamic variables, binary replies; a missing variable is reported at its place and
 * the connection goes on.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, killAll, runCli } from './helpers.js';
import { cleanUpMocks, connectClient, startMock } from './mock-peers.js';

afterEach(() => {
  cleanUpMocks();
  killAll();
});

const FILE = `
env:
  default: { region: eu }
  staging: { region: us }
messages:
  hello: { json: { type: hello } }
  ack: "ack from {{region}}"
scenarios:
  - name: the scenarios of the same file do not disturb the mock
    connect: "ws://127.0.0.1:1/api"
    steps:
      - send: hello
mock:
  /api:
    on:
      - match: hello
        reply: ack
      - match: { jsonPath: "$.order.qty", value: 0 }
        reply: { json: { error: "empty order", seq: "{{$seq}}" } }
      - match: { schema: { type: object, required: [order] } }
        reply: { json: { ok: true, seq: "{{$seq}}" } }
      - match: { binary: "01 02" }
        reply: { binary: "ca fe" }
      - match: { text: oops }
        reply: { text: "{{message.nothere}}" }
    unmatched: echo
`;

describe('wscope mock: the shared file format', { timeout: 60_000 }, () => {
  test('saved messages by name, jsonPath and schema rules, $seq per connection, binary, --env', async () => {
    const mock = await startMock(FILE, ['--env', 'staging']);
    const client = await connectClient(mock.url('/api'));
    client.ws.send('{"type":"hello"}');
    client.ws.send('{"order":{"qty":0}}');
    client.ws.send('{"order":{"qty":2}}');
    client.ws.send(Buffer.from([1, 2]));
    client.ws.send('{"type":"hello","extra":1}');
    await eventually(() => client.messages.length === 5, 'five replies');
    assert.deepEqual(client.texts(), [
      'ack from us',
      '{"error":"empty order","seq":1}',
      '{"ok":true,"seq":2}',
      'cafe',
      // `match: hello` matches as expect: hello does: a saved JSON message is a subset, so a key more still matches.
      'ack from us',
    ]);
    assert.equal(client.messages[3]!.binary, true);

    // $seq counts per connection.
    const other = await connectClient(mock.url('/api'));
    other.ws.send('{"order":{"qty":5}}');
    await eventually(() => other.messages.length === 1, 'the other client’s reply');
    assert.deepEqual(other.texts(), ['{"ok":true,"seq":1}']);
  });

  test('a missing variable in a reply: reported with its file:line:column, nothing sent, the connection goes on', async () => {
    const mock = await startMock(FILE);
    const client = await connectClient(mock.url('/api'));
    client.ws.send('oops');
    await mock.cli.waitFor('stderr', /error: #1 .*api\.wscope\.yaml:25:25: missing variable "message\.nothere": "message" has no "nothere"\n/);
    client.ws.send('{"type":"hello"}');
    await eventually(() => client.messages.length === 1, 'the next reply');
    assert.deepEqual(client.texts(), ['ack from eu']);
  });

  test('--env naming no environment is a bad flag, as for run: exit 2', async () => {
    const mock = await startMock(FILE);
    const result = await runCli(['mock', mock.file, '--port', '0', '--env', 'prod'], undefined);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^error: --env prod: .*api\.wscope\.yaml has no environment "prod" \(env: default, staging\)\n\(run 'wscope mock --help' for usage\)\n$/,
    );
  });
});
