/** `wscope mock FILE --record FILE.har`: a scripted session recorded as DevTools writes HAR, valid when the mock is stopped. */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { eventually, killAll, tempDir } from './helpers.js';
import { cleanUpMocks, connectClient, startMock } from './mock-peers.js';
import { readValidHar } from '../record/helpers.js';

afterEach(() => {
  cleanUpMocks();
  killAll();
});

describe('wscope mock --record', { timeout: 60_000 }, () => {
  test('the greeting, the message and its templated reply are in the HAR, with send for what the client sent', async () => {
    const dir = tempDir();
    try {
      const har = join(dir.path, 'mock.har');
      const mock = await startMock(
        `mock:
  /feed:
    onConnect: [{ text: "hi #{{connection.id}}" }]
    on:
      - match: { regex: "^sub (\\\\w+)$" }
        reply: { json: { subscribed: "{{match.1}}" } }
`,
        ['--record', har],
      );
      const client = await connectClient(mock.url('/feed'));
      client.ws.send('sub prices');
      await eventually(() => client.messages.length === 2, 'the greeting and the reply');
      client.ws.close(1000);
      await mock.cli.waitFor('stderr', /#1 closed 1000/);
      mock.cli.child.kill('SIGTERM');
      assert.equal((await mock.cli.result(10_000)).code, 0);
      const [entry] = (await readValidHar(har)).log.entries;
      assert.ok(entry);
      assert.equal(entry.request.url, mock.url('/feed'));
      assert.deepEqual(
        entry._webSocketMessages.filter((m) => m.opcode === 1).map((m) => [m.type, m.data]),
        [
          ['receive', 'hi #1'],
          ['send', 'sub prices'],
          ['receive', '{"subscribed":"prices"}'],
        ],
      );
    } finally {
      dir.remove();
    }
  });
});
