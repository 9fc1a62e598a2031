/**
 * `--reporter junit` read by a JUnit consumer that is not ours: Python's junitparser (Debian
 * python3-junitparser), the way CI systems read it — suites per file, cases per scenario with
 * their times, failures and errors with their messages, the steps and trace in system-out.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../cli/helpers.js';
import { echoPeerAndFolder, run } from './helpers.js';

const READ_WITH_JUNITPARSER = `
import json, sys
from junitparser import JUnitXml
xml = JUnitXml.fromfile(sys.argv[1])
print(json.dumps([{
  "name": suite.name, "tests": suite.tests, "failures": suite.failures, "errors": suite.errors, "time": suite.time,
  "cases": [{
    "name": case.name, "classname": case.classname, "time": case.time,
    "results": [{"tag": result._tag, "message": result.message, "text": result.text} for result in case.result],
    "out": case.system_out,
  } for case in suite],
} for suite in xml]))
`;

interface ParsedSuite {
  name: string;
  tests: number;
  failures: number;
  errors: number;
  time: number;
  cases: Array<{ name: string; classname: string; time: number; results: Array<{ tag: string; message: string; text: string }>; out: string }>;
}

const { peer, folder } = echoPeerAndFolder();

test('JUnit XML as junitparser reads it: a suite per file, a case per scenario, failure, error, times, trace', async () => {
  const first = folder.write(
    'api.wscope.yaml',
    `scenarios:
  - name: echo works
    connect: ws://127.0.0.1:${peer.port}
    steps:
      - send: { text: "a < b & \\"c\\"" }
      - expect: { text: "a < b & \\"c\\"" }
  - name: wrong reply
    connect: ws://127.0.0.1:${peer.port}
    steps:
      - sleep: 200ms
      - send: { json: { ok: false } }
      - expect: { json: { ok: true } }
`,
  );
  const second = folder.write(
    'other.wscope.yaml',
    `scenarios:
  - name: typo
    connect: ws://127.0.0.1:${peer.port}
    steps:
      - send: { text: "{{nope}}" }
`,
  );
  const report = join(folder.path, 'junit.xml');
  const result = await run([first, second, '--reporter', 'junit', '--output', report]);
  assert.equal(result.code, 12, 'a missing variable (a bad file) outranks the failed check');
  // --output: the people's report still prints.
  assert.match(result.stdout, /✗ wrong reply/);
  const suites = JSON.parse(execFileSync('/usr/bin/python3', ['-c', READ_WITH_JUNITPARSER, report], { encoding: 'utf8' })) as ParsedSuite[];
  assert.deepEqual(
    suites.map((suite) => [suite.name, suite.tests, suite.failures, suite.errors]),
    [
      [first, 2, 1, 0],
      [second, 1, 0, 1],
    ],
  );
  const [passed, failed] = suites[0]?.cases ?? [];
  assert.equal(passed?.name, 'echo works');
  assert.equal(passed?.classname, first);
  assert.deepEqual(passed?.results, []);
  assert.equal(failed?.name, 'wrong reply');
  assert.ok((failed?.time ?? 0) >= 0.2 && (failed?.time ?? 0) < 5, `the case's time: ${failed?.time}`);
  assert.equal(failed?.results[0]?.tag, 'failure');
  assert.equal(failed?.results[0]?.message, 'the message did not match: $.ok is false, expected true');
  assert.match(failed?.results[0]?.text ?? '', /^expect json \{"ok":true\} \(.*api\.wscope\.yaml:12:9\): the message did not match/);
  assert.match(failed?.results[0]?.text ?? '', /\n- {3}"ok": true\n\+ {3}"ok": false\n/);
  // system-out: the steps, then the scenario's trace, one JSON event per line (docs/trace.md).
  const out = failed?.out ?? '';
  assert.match(out, /^ok connect ws:\/\/127\.0\.0\.1:\d+ \d+ ms/);
  assert.match(out, /\nFAILED expect json \{"ok":true\} \d+ ms/);
  const trace = out
    .slice(out.indexOf('\ntrace:\n') + 8)
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; dir: string; data?: string });
  assert.deepEqual(
    trace.map((event) => `${event.event} ${event.dir}`),
    ['handshake out', 'message out', 'message in', 'close out'],
  );
  assert.equal(trace[2]?.data, '{"ok":false}');
  const [typo] = suites[1]?.cases ?? [];
  assert.equal(typo?.results[0]?.tag, 'error');
  assert.match(typo?.results[0]?.message ?? '', /other\.wscope\.yaml:5:24: missing variable "nope"/);
  // The XML escapes what it must: the text message with < & " came through intact.
  assert.match(readFileSync(report, 'utf8'), /"data":"a &lt; b &amp; \\"c\\""/);
});

test('a connection that could not open: its error is in the trace of system-out, the case a failure', async () => {
  const port = await freePort();
  const file = folder.write('refused.wscope.yaml', `scenarios:\n  - name: nobody there\n    connect: ws://127.0.0.1:${port}/\n    steps: []\n`);
  const report = join(folder.path, 'refused.xml');
  const result = await run([file, '--reporter', 'junit', '--output', report]);
  assert.equal(result.code, 11, result.stdout + result.stderr);
  const [suite] = JSON.parse(execFileSync('/usr/bin/python3', ['-c', READ_WITH_JUNITPARSER, report], { encoding: 'utf8' })) as ParsedSuite[];
  const [refused] = suite?.cases ?? [];
  assert.equal(refused?.results[0]?.tag, 'failure');
  assert.match(refused?.results[0]?.message ?? '', new RegExp(`^could not connect to ws://127\\.0\\.0\\.1:${port}/: connect ECONNREFUSED`));
  const out = refused?.out ?? '';
  const trace = out
    .slice(out.indexOf('\ntrace:\n') + 8)
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; code?: string | number });
  assert.deepEqual(
    trace.map((event) => [event.event, event.code]),
    [
      ['error', 'ECONNREFUSED'],
      ['close', 1006],
    ],
  );
});

test('a URL password is printed nowhere: not in step labels, notes or failures, in the terminal or in JUnit', async () => {
  const refusedPort = await freePort();
  const file = folder.write(
    'secret.wscope.yaml',
    [
      'scenarios:',
      '  - name: opens',
      '    steps:',
      `      - connect: ws://tester:hunter2@127.0.0.1:${peer.port}/`,
      '      - send: { text: hi }',
      '      - expect: { text: hi }',
      '  - name: refused',
      '    steps:',
      `      - connect: ws://tester:hunter2@127.0.0.1:${refusedPort}/`,
      '',
    ].join('\n'),
  );
  const terminal = await run([file]);
  assert.equal(terminal.code, 11, terminal.stdout + terminal.stderr);
  const report = join(folder.path, 'secret.xml');
  await run([file, '--reporter', 'junit', '--output', report]);
  const xml = readFileSync(report, 'utf8');
  for (const [where, text] of [
    ['terminal', terminal.stdout + terminal.stderr],
    ['JUnit', xml],
  ] as const) {
    assert.doesNotMatch(text, /hunter2/, where);
    assert.match(text, /ws:\/\/tester:\*\*\*@127\.0\.0\.1/, `${where} still shows the URL`);
    assert.match(text, /could not connect to ws:\/\/tester:\*\*\*@127\.0\.0\.1/, `${where} says which connect failed`);
  }
});
