/**
 * One file, both ends: `wscope mock FILE` serves its mock: section and `wscope run FILE` checks it
 * with the scenarios of the same file — the README's example, as written there.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { killAll, runCli } from './helpers.js';
import { cleanUpMocks, startMock } from './mock-peers.js';

afterEach(() => {
  cleanUpMocks();
  killAll();
});

const MOCK_EXAMPLE = `env:
  default: { url: "ws://127.0.0.1:8765", user: alice }
messages:
  hello: { json: { type: hello, user: "{{user}}" } }
scenarios:
  - name: the mock greets, answers and closes
    connect: "{{url}}/chat"
    steps:
      - expect: { json: { type: welcome } }
      - send: hello
      - expect: { json: { type: hello, user: "{{user}}", seen: 1 }, within: 2s }
      - send: { text: "ping 7" }
      - expect: { text: "pong 7" }
      - send: { text: bye }
      - expectClose: 4000
mock:
  /chat:
    onConnect:
      - { json: { type: welcome } }
    on:
      - match: hello
        reply: { json: { type: hello, user: "{{message.user}}", seen: "{{connection.received}}" } }
      - match: { regex: "^ping (\\\\d+)$" }
        reply: { text: "pong {{match.1}}" }
      - match: { text: bye }
        close: { code: 4000, reason: bye }
`;

describe('wscope mock checked by wscope run', { timeout: 60_000 }, () => {
  test("the file's scenarios pass against the file's mock; a changed mock makes them fail with exit 11", async () => {
    const mock = await startMock(MOCK_EXAMPLE);
    const url = `url=ws://127.0.0.1:${mock.port}`;
    const passed = await runCli(['run', mock.file, '--var', url], undefined, { timeoutMs: 15_000 });
    assert.equal(passed.code, 0, passed.stdout + passed.stderr);
    assert.match(passed.stdout, /✓ the mock greets, answers and closes/);
    assert.match(passed.stdout, /1 passed/);
    await mock.cli.waitFor('stderr', /#1 closing with 4000 Private Use: "bye"/);

    writeFileSync(mock.file, MOCK_EXAMPLE.replace('reply: { text: "pong {{match.1}}" }', 'reply: { text: "pang {{match.1}}" }'));
    await mock.cli.waitFor('stderr', /reloaded/);
    const failed = await runCli(['run', mock.file, '--var', url], undefined, { timeoutMs: 15_000 });
    assert.equal(failed.code, 11, failed.stdout + failed.stderr);
    assert.match(failed.stdout, /✗ expect text pong 7/);
    assert.match(failed.stdout, /pang 7/);
  });
});
