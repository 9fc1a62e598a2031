/**
 * `wscope mock` reloads its file while clients stay connected: a plain write and an editor's
 * write-then-rename both take effect on the next message; a broken edit is reported with
 * file:line and the previous version keeps answering.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { eventually, killAll } from './helpers.js';
import { cleanUpMocks, type Client, connectClient, startMock } from './mock-peers.js';

afterEach(() => {
  cleanUpMocks();
  killAll();
});

const version = (reply: string, extra = '') => `mock:
  /live:
    on:
      - match: { text: ask }
        reply: { text: "${reply}" }
${extra}`;

async function ask(client: Client): Promise<string> {
  const before = client.messages.length;
  client.ws.send('ask');
  await eventually(() => client.messages.length > before, 'the reply to ask');
  return client.messages[before]!.text;
}

describe('wscope mock: hot reload', { timeout: 60_000 }, () => {
  test('an edit applies to the next message on a connection that stays open; a broken edit keeps the previous version', async () => {
    const mock = await startMock(version('one'));
    const client = await connectClient(mock.url('/live'));
    assert.equal(await ask(client), 'one');

    writeFileSync(mock.file, version('two'));
    await mock.cli.waitFor('stderr', /reloaded .*api\.wscope\.yaml: \/live\n/);
    assert.equal(await ask(client), 'two');

    // An editor's save: a new file renamed over the old one (the watch is on the directory, so it survives).
    writeFileSync(`${mock.file}.tmp`, version('three'));
    renameSync(`${mock.file}.tmp`, mock.file);
    await eventually(() => (mock.cli.stderr.match(/reloaded/g) ?? []).length === 2, 'the second reload');
    assert.equal(await ask(client), 'three');

    // A mistake on line 6: reported with its place, and "three" keeps answering.
    writeFileSync(mock.file, version('four', '        fragmnet: 2\n'));
    await mock.cli.waitFor(
      'stderr',
      /error: .*api\.wscope\.yaml:6:\d+: mock\.\/live\.on\[0\]: unknown key "fragmnet" .*\(still serving the previous version\)\n/,
    );
    assert.equal(await ask(client), 'three');

    // A YAML syntax error, the same.
    writeFileSync(mock.file, 'mock:\n  /live:\n    on: [ { match: \n');
    await eventually(() => (mock.cli.stderr.match(/still serving the previous version/g) ?? []).length === 2, 'the second broken edit reported');
    assert.match(mock.cli.stderr, /error: .*api\.wscope\.yaml:3:\d+: Flow map .*\(still serving the previous version\)\n$/);
    assert.equal(await ask(client), 'three');

    // Fixed: served again, pushes included, on the same connection.
    writeFileSync(mock.file, version('five', '    push:\n      - every: 50ms\n        send: { text: tick }\n        times: 2\n'));
    await eventually(() => (mock.cli.stderr.match(/reloaded/g) ?? []).length === 3, 'the third reload');
    assert.equal(await ask(client), 'five');
    await eventually(() => client.texts().filter((t) => t === 'tick').length === 2, 'the two pushes the new version added');
    assert.equal(client.ws.readyState, client.ws.OPEN);
  });
});
