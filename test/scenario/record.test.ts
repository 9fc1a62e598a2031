/** `wscope run --record FILE`: every connection of every scenario recorded, HAR and JSONL, so a failure can be opened later. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeJsonl } from '../../src/index.js';
import { echoPeerAndFolder, run } from './helpers.js';

const { peer, folder } = echoPeerAndFolder();

test("--record a.har --record a.jsonl: both scenarios' connections, the failing message in both files", async () => {
  const file = folder.write(
    'rec.wscope.yaml',
    `scenarios:
  - name: passes
    connect: ws://127.0.0.1:${peer.port}/one
    steps:
      - send: { text: first }
      - expect: { text: first }
  - name: fails
    connect: ws://127.0.0.1:${peer.port}/two
    steps:
      - send: { json: { got: wrong } }
      - expect: { json: { got: right } }
`,
  );
  const har = join(folder.path, 'run.har');
  const jsonl = join(folder.path, 'run.jsonl');
  const result = await run([file, '--record', har, '--record', jsonl]);
  assert.equal(result.code, 11, result.stdout + result.stderr);
  const events = decodeJsonl(readFileSync(jsonl, 'utf8'));
  const urls = events.filter((event) => event.event === 'handshake').map((event) => (event as { url: string }).url);
  assert.deepEqual(urls, [`ws://127.0.0.1:${peer.port}/one`, `ws://127.0.0.1:${peer.port}/two`]);
  assert.ok(events.some((event) => event.event === 'message' && event.dir === 'in' && (event as { data: string }).data === '{"got":"wrong"}'));
  const log = (
    JSON.parse(readFileSync(har, 'utf8')) as {
      log: { entries: Array<{ request: { url: string }; _webSocketMessages: Array<{ type: string; data: string }> }> };
    }
  ).log;
  assert.deepEqual(
    log.entries.map((entry) => entry.request.url),
    urls,
  );
  assert.deepEqual(
    log.entries[1]?._webSocketMessages.filter((message) => message.data.startsWith('{')).map((message) => [message.type, message.data]),
    [
      ['send', '{"got":"wrong"}'],
      ['receive', '{"got":"wrong"}'],
    ],
  );
});

test('--record with a name that is neither .har nor .jsonl: one line, exit 2, nothing run', async () => {
  const file = folder.write('x.wscope.yaml', `scenarios:\n  - name: x\n    connect: ws://127.0.0.1:${peer.port}\n    steps: []\n`);
  const result = await run([file, '--record', join(folder.path, 'out.txt')]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^error: --record '.*out\.txt': the file name must end with \.har or \.jsonl\n/);
  assert.equal(result.stdout, '');
});
