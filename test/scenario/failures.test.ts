/**
 * Scenarios that fail, each way a user meets: the wrong message (a diff), no message in time,
 * the wrong close code, a missing variable, a bad file; the report and the exit code asserted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { echoPeerAndFolder, run } from './helpers.js';

const { peer, folder } = echoPeerAndFolder();

const header = () => `env:\n  default: { url: "ws://127.0.0.1:${peer.port}", user: alice }\n`;

test('a wrong message: the step, its place, what came and a -/+ diff; the steps after are skipped; exit 11', async () => {
  const file = folder.write(
    'wrong.wscope.yaml',
    `${header()}scenarios:
  - name: wrong message
    connect: "{{url}}"
    steps:
      - send: { json: { type: hello, user: bob, extra: 1 } }
      - expect: { json: { type: hello, user: "{{user}}" } }
      - close: 1000
`,
  );
  const result = await run([file]);
  assert.equal(result.code, 11, result.stdout + result.stderr);
  assert.match(result.stdout, /^ {2}✗ wrong message \(\d+ ms\)$/m);
  assert.match(result.stdout, new RegExp(`^ {6}✗ expect json \\{"type":"hello","user":"\\{\\{user\\}\\}"\\} \\d+ ms {2}${escapeRegExp(file)}:8:9$`, 'm'));
  assert.match(result.stdout, /^ {10}the message did not match: \$\.user is "bob", expected "alice"$/m);
  assert.match(result.stdout, /^ {10}received: \{"type":"hello","user":"bob","extra":1\}$/m);
  // The diff shows the expected keys only (the message may have more), - expected, + received.
  assert.match(result.stdout, /^ {12}- {3}"user": "alice"\n {12}\+ {3}"user": "bob"$/m);
  assert.match(result.stdout, /^ {6}- close 1000 \(skipped\)$/m);
  assert.match(result.stdout, /\n0 passed, 1 failed \(1 scenario, \d+ ms\)\n$/);
});

test('no message within the time: the step says how long it waited and what it expected', async () => {
  const file = folder.write(
    'timeout.wscope.yaml',
    `${header()}scenarios:
  - name: silence
    connect: "{{url}}"
    steps:
      - expect: { text: never, within: 300ms }
`,
  );
  const started = Date.now();
  const result = await run([file]);
  assert.equal(result.code, 11, result.stdout + result.stderr);
  assert.match(result.stdout, /✗ expect text never within 300ms (\d+) ms/);
  const waited = Number(/✗ expect text never within 300ms (\d+) ms/.exec(result.stdout)?.[1]);
  assert.ok(waited >= 295 && waited < 1500, `waited ${waited} ms`);
  assert.ok(Date.now() - started < 8000);
  assert.match(result.stdout, /no message came within 300 ms \(expected text "never"\)/);
});

test('the wrong close code: what it closed with (code, name, reason) against what was expected', async () => {
  const file = folder.write(
    'close.wscope.yaml',
    `${header()}scenarios:
  - name: closes wrong
    connect: "{{url}}"
    steps:
      - close: { code: 4001, reason: bye }
      - expectClose: 1000
`,
  );
  const result = await run([file]);
  assert.equal(result.code, 11, result.stdout + result.stderr);
  assert.match(result.stdout, /✗ expectClose 1000 \d+ ms/);
  assert.match(result.stdout, /closed with 4001 Private Use "bye", expected 1000/);
  assert.match(result.stdout, /- 1000\n\s+\+ 4001/);
});

test('a missing variable: its name, its place (file:line:column of its {{) and the variables there are; exit 12', async () => {
  const file = folder.write(
    'missing.wscope.yaml',
    `${header()}scenarios:
  - name: typo
    connect: "{{url}}"
    steps:
      - send: { text: "token {{tokn}}" }
`,
  );
  const result = await run([file]);
  assert.equal(result.code, 12, result.stdout + result.stderr);
  assert.match(result.stdout, new RegExp(`${escapeRegExp(file)}:7:30: missing variable "tokn" \\(defined: url, user\\)`));
});

test('$env.NAME reads the environment; unset, it is named as such', async () => {
  const file = folder.write(
    'envvar.wscope.yaml',
    `${header()}scenarios:
  - name: token
    connect: "{{url}}"
    steps:
      - send: { text: "{{$env.WSCOPE_TEST_TOKEN}}" }
      - expect: { text: s3cret }
`,
  );
  const ok = await run([file], { env: { WSCOPE_TEST_TOKEN: 's3cret' } });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const unset = await run([file]);
  assert.equal(unset.code, 12);
  assert.match(unset.stdout, /:7:24: missing variable "\$env\.WSCOPE_TEST_TOKEN": the environment variable WSCOPE_TEST_TOKEN is not set/);
});

test('an invalid file: one line on stderr naming file:line:column and what is wrong, nothing run, exit 12', async () => {
  const cases: Array<[string, RegExp]> = [
    ['scenarios:\n  - name: x\n    steps:\n      - sned: hello\n', /:4:9: unknown step "sned" \(steps: connect, send, expect, /],
    ['messages:\n  hi: hello\nscenarios:\n  - name: x\n    steps:\n      - send: helo\n', /:6:15: send: no message is named "helo" \(messages: hi\)/],
    ['scenarios:\n  - name: x\n    steps:\n      - expect: { json: 1, within: soon }\n', /:4:36: expect: within: expected .*a duration/],
    ['scenarios:\n  - name: x\n    steps:\n      - expect: { jsn: 1 }\n', /:4:24: expect: unknown key "jsn" \(expected text, contains, regex, json, /],
    ['scenarios:\n  - name: x\n    stps: []\n', /:3:11: scenarios\[0\]: unknown key "stps" \(expected name, connect, steps\)/],
    ['scenarios:\n  - name: x\n', /:2:5: scenarios\[0\]: "steps" is missing/],
    ['scenarios: [ {name: x, steps: [}\n', /:1:\d+: /],
    ['scenarios:\n  - name: x\n    steps: []\n  - name: x\n    steps: []\n', /:4:11: two scenarios are named "x" \(the other is at line 2\)/],
    ['scenarios:\n  - name: x\n    steps:\n      - expect: { regex: "(" }\n', /:4:26: expect: "regex" is not a valid regular expression: /],
    ['messages:\n  b: { binary: "4g" }\nscenarios: []\n', /:2:6: message "b"|:2:\d+: /],
  ];
  for (const [text, expected] of cases) {
    const file = folder.write('bad.wscope.yaml', text);
    const result = await run([file]);
    assert.equal(result.code, 12, `${text}\n${result.stdout}${result.stderr}`);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', new RegExp(`^error: ${escapeRegExp(file)}${expected.source}`), text);
  }
  const missing = await run([`${folder.path}/nope.wscope.yaml`]);
  assert.equal(missing.code, 12);
  assert.match(missing.stderr, /^error: .*nope\.wscope\.yaml:1:1: cannot read the file: ENOENT\n$/);
});

test('bad flags: an environment the file lacks, a --grep matching nothing: one line, exit 2', async () => {
  const file = folder.write('flags.wscope.yaml', `${header()}scenarios:\n  - name: one\n    connect: "{{url}}"\n    steps: []\n`);
  const env = await run([file, '--env', 'prod']);
  assert.equal(env.code, 2);
  assert.match(env.stderr, /^error: --env prod: .*flags\.wscope\.yaml has no environment "prod" \(env: default\)\n/);
  const grep = await run([file, '--grep', 'nothing']);
  assert.equal(grep.code, 2);
  assert.match(grep.stderr, /^error: --grep nothing matches no scenario\n/);
  const none = await run([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^error: name at least one scenario file/);
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
