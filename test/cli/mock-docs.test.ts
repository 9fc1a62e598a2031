/** docs/mock.md's full example, read from the page, served as written and driven by a ws client. */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { eventually, killAll, ROOT } from './helpers.js';
import { cleanUpMocks, connectClient, startMock } from './mock-peers.js';

afterEach(() => {
  cleanUpMocks();
  killAll();
});

function docsExample(): string {
  const page = readFileSync(join(ROOT, 'docs', 'mock.md'), 'utf8');
  const block = /## A full example\n\n```yaml\n([\s\S]*?)```/.exec(page)?.[1];
  assert.ok(block, 'docs/mock.md has its full example');
  return block;
}

describe('docs/mock.md', { timeout: 60_000 }, () => {
  test('the full example serves what the page says', async () => {
    const mock = await startMock(docsExample());
    writeFileSync(join(dirname(mock.file), 'big.bin'), Buffer.alloc(3000, 7));
    const chat = await connectClient(mock.url('/chat'), ['chat.v1']);
    assert.equal(chat.ws.protocol, 'chat.v1');
    chat.ws.send(JSON.stringify({ type: 'hello', id: 7 }));
    chat.ws.send(JSON.stringify({ size: 'big' }));
    chat.ws.send('what');
    await eventually(() => chat.messages.length >= 5, 'the greetings and three replies');
    // "ready" waits 100 ms after the greeting: where it falls among the replies depends on the machine's load.
    assert.equal(chat.texts()[0], '{"type":"welcome","user":"alice"}');
    assert.deepEqual(
      chat
        .texts()
        .slice(1, 5)
        .filter((text) => text !== 'ready'),
      ['{"type":"hello","id":7,"user":"alice"}', '07'.repeat(3000), 'unknown: what'],
    );
    assert.ok(chat.texts().slice(1, 5).includes('ready'));
    await mock.cli.waitFor('stderr', /> #1 \[binary 3000 B\] 0707.*… \(in 3 frames\)/);
    chat.ws.send('bye');
    assert.deepEqual(await chat.closed, { code: 4000, reason: 'bye' });
    await mock.cli.waitFor('stderr', /#1 closing with 4000 Private Use: "bye" \(the rule at .*api\.wscope\.yaml:22:9\)/);

    const room = await connectClient(mock.url('/rooms/blue?name=ann'));
    for (const text of ['a', 'b', 'c']) room.ws.send(text);
    assert.deepEqual(await room.closed, { code: 4001, reason: 'enough' });
    assert.deepEqual(room.texts(), ['welcome to /rooms/blue, ann', 'a', 'b', 'c']);
  });

  test('schema/wscope.schema.json, as an editor uses it, accepts the example and refuses a misspelt key', () => {
    const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'wscope.schema.json'), 'utf8')) as object);
    const example = docsExample();
    assert.ok(validate(parse(example)), JSON.stringify(validate.errors));
    assert.equal(validate(parse(example.replace('delay: 250ms', 'delai: 250ms'))), false);
    assert.equal(validate(parse(example.replace('every: 1s', 'every: soon'))), false);
  });
});
