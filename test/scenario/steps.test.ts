/**
 * The steps as a user writes them, run by `wscope run` against `wscope listen --echo` (and
 * `--broadcast` for two connections): captures reused later, several connections by name,
 * every, repeat, waitFor, expectNoMessage, ping/expectPong, binary messages, --bail, --grep.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FIXTURES, killAll } from '../cli/helpers.js';
import { run, ScenarioFolder, startListen, type EchoPeer } from './helpers.js';

interface JsonReport {
  passed: number;
  failed: number;
  notRun: number;
  ms: number;
  files: Array<{
    scenarios: Array<{
      name: string;
      status: string;
      ms: number;
      steps: Array<{ label: string; status: string; notes: string[]; children?: unknown[] }>;
      trace: Array<{ event: string; dir: string; conn: number; time: number; data?: string; opcode?: number }>;
    }>;
  }>;
}

let echo: EchoPeer;
let room: EchoPeer;
const folder = new ScenarioFolder();

before(async () => {
  [echo, room] = await Promise.all([startListen(), startListen(['--broadcast', '-q'])]);
});
after(async () => {
  await Promise.all([echo.stop(), room.stop()]);
  killAll();
  folder.remove();
});

async function runJson(name: string, text: string, extra: string[] = []): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const file = folder.write(name, text);
  const result = await run([file, '--reporter', 'json', ...extra]);
  assert.equal(result.stderr, '', result.stderr);
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
}

const scenarioOf = (report: JsonReport, index = 0) => {
  const scenario = report.files[0]?.scenarios[index];
  assert.ok(scenario);
  return scenario;
};

test('capture: values from one message used in later ones, a captured number staying a number in JSON', async () => {
  const { code, report } = await runJson(
    'capture.wscope.yaml',
    `scenarios:
  - name: login then use the token
    connect: ws://127.0.0.1:${echo.port}
    steps:
      - send: { json: { token: "t-{{$randomInt}}", count: 7 } }
      - expect: { jsonPath: $.count, value: 7, capture: { token: $.token, count: $.count } }
      - send: { text: "auth {{token}}" }
      - expect: { regex: "^auth t-\\\\d+$" }
      - send: { json: { n: "{{count}}", label: "count {{count}}" } }
      - expect: { json: { n: 7, label: "count 7" } }
`,
  );
  assert.equal(code, 0, JSON.stringify(report, null, 1));
  const scenario = scenarioOf(report);
  assert.match(scenario.steps[2]?.notes.join(', ') ?? '', /captured token = "t-\d+", captured count = 7/);
  const sent = scenario.trace.filter((event) => event.event === 'message' && event.dir === 'out').map((event) => event.data);
  const token = (JSON.parse(sent[0] ?? '{}') as { token: string }).token;
  assert.equal(sent[1], `auth ${token}`);
  assert.equal(sent[2], '{"n":7,"label":"count 7"}');
});

test('two connections by name (as:/on:): alice speaks, bob hears it, alice hears nothing; a step without on: must say which', async () => {
  const { code, report } = await runJson(
    'two.wscope.yaml',
    `env:
  default: { room: "ws://127.0.0.1:${room.port}/chat" }
scenarios:
  - name: chat
    steps:
      - connect: { url: "{{room}}", as: alice }
      - connect: "{{room}}"
        as: bob
      - sleep: 200ms
      - send: { text: "hi bob" }
        on: alice
      - expect: { text: "hi bob", within: 2s }
        on: bob
      - expectNoMessage: { for: 300ms }
        on: alice
      - close: 1000
        on: bob
      - expectClose: { code: 1000, within: 2s }
        on: bob
  - name: which one
    steps:
      - connect: { url: "{{room}}", as: alice }
      - connect: { url: "{{room}}", as: bob }
      - send: { text: "to whom?" }
`,
  );
  assert.equal(code, 11);
  const chat = scenarioOf(report, 0);
  assert.equal(chat.status, 'passed', JSON.stringify(chat.steps, null, 1));
  assert.deepEqual(
    chat.steps.map((step) => step.label),
    [
      'connect {{room}} as alice',
      'connect {{room}} as bob',
      'sleep 200ms',
      'send {"text":"hi bob"} (on alice)',
      'expect text hi bob within 2s (on bob)',
      'expectNoMessage for 300ms (on alice)',
      'close 1000 (on bob)',
      'expectClose 1000 (on bob)',
    ],
  );
  // Two connections in the trace: alice's message out, bob's in.
  const conns = new Set(chat.trace.map((event) => event.conn));
  assert.equal(conns.size, 2);
  const which = scenarioOf(report, 1);
  assert.equal(which.status, 'failed');
  assert.match(JSON.stringify(which.steps[2]), /several connections are open \(alice, bob\): say which with on: NAME/);
});

test('every: a heartbeat sent at its interval while the next steps run, {{$seq}} rendered each time', async () => {
  const { code, report } = await runJson(
    'every.wscope.yaml',
    `scenarios:
  - name: heartbeat
    connect: ws://127.0.0.1:${echo.port}
    steps:
      - every: { interval: 150ms, send: { json: { type: heartbeat, n: "{{$seq}}" } }, times: 4 }
      - expect: { json: { type: heartbeat, n: 1 }, within: 1s }
      - expect: { json: { type: heartbeat, n: 2 }, within: 1s }
      - expect: { json: { type: heartbeat, n: 3 }, within: 1s }
      - expect: { json: { type: heartbeat, n: 4 }, within: 1s }
      - expectNoMessage: { for: 400ms }
`,
  );
  assert.equal(code, 0, JSON.stringify(report, null, 1));
  const out = scenarioOf(report).trace.filter((event) => event.event === 'message' && event.dir === 'out');
  assert.equal(out.length, 4, 'times: 4 sent four, then stopped');
  for (let i = 1; i < out.length; i++) {
    const gap = ((out[i]?.time ?? 0) - (out[i - 1]?.time ?? 0)) * 1000;
    assert.ok(gap >= 140 && gap < 600, `heartbeat ${i} came ${gap.toFixed(0)} ms after the one before`);
  }
});

test('repeat with {{iteration}}, waitFor skipping, ping/expectPong, binary, base64 and file messages', async () => {
  writeFileSync(join(folder.path, 'blob.bin'), Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  const { code, report } = await runJson(
    'more.wscope.yaml',
    `messages:
  blob: { file: blob.bin }
  raw: { binary: "00 ff 10" }
scenarios:
  - name: everything else
    connect: { url: "ws://127.0.0.1:${echo.port}", compression: false, headers: { X-Test: yes } }
    steps:
      - repeat:
          times: 3
          steps:
            - send: { text: "n {{iteration}}" }
            - expect: { text: "n {{iteration}}" }
      - send: { text: a }
      - send: { text: b }
      - send: { json: { type: done } }
      - waitFor: { json: { type: done } }
      - ping: hello
      - expectPong: { data: hello }
      - send: raw
      - expect: { binary: "00ff10" }
      - send: { base64: "3q2+7w==" }
      - expect: blob
      - send: blob
      - expect: { message: blob, within: 1s }
      - send: { text: "not json" }
      - expect: { contains: "json" }
`,
  );
  assert.equal(code, 0, JSON.stringify(report, null, 1));
  const scenario = scenarioOf(report);
  assert.equal(scenario.steps[0]?.label, `connect ws://127.0.0.1:${echo.port}`);
  assert.match(scenario.steps[0]?.notes[0] ?? '', /^connected to ws:\/\/127\.0\.0\.1:\d+\/$/, 'compression: false: no permessage-deflate');
  assert.equal(scenario.steps[1]?.children?.length, 6, 'the repeat ran its two steps three times');
  assert.deepEqual(scenario.steps.find((step) => step.label.startsWith('waitFor'))?.notes, ['skipped 2 messages']);
  const handshake = scenario.trace.find((event) => event.event === 'handshake') as unknown as { requestHeaders: string[][] };
  assert.ok(handshake.requestHeaders.some(([name, value]) => name === 'X-Test' && value === 'yes'));
  assert.ok(scenario.trace.some((event) => event.event === 'pong' && event.dir === 'in' && event.data === 'hello'));
});

test('--bail starts nothing after a failure; --grep picks scenarios by name', async () => {
  const text = `scenarios:
  - name: first fails
    connect: ws://127.0.0.1:${echo.port}
    steps:
      - expect: { text: x, within: 100ms }
  - name: second
    connect: ws://127.0.0.1:${echo.port}
    steps: []
  - name: third passes
    connect: ws://127.0.0.1:${echo.port}
    steps: []
`;
  const bail = await runJson('bail.wscope.yaml', text, ['--bail']);
  assert.equal(bail.code, 11);
  assert.deepEqual([bail.report.passed, bail.report.failed, bail.report.notRun], [0, 1, 2]);
  const grep = await runJson('grep.wscope.yaml', text, ['--grep', 'second|third']);
  assert.equal(grep.code, 0);
  assert.deepEqual(
    grep.report.files[0]?.scenarios.map((scenario) => scenario.name),
    ['second', 'third passes'],
  );
});

test('--parallel 3 runs three 700 ms scenarios at once: the run takes about one, each still measured', async () => {
  const scenario = (n: number) => `  - name: slow ${n}
    connect: ws://127.0.0.1:${echo.port}
    steps:
      - sleep: 700ms
      - send: { text: "done ${n}" }
      - expect: { text: "done ${n}" }
`;
  const text = `scenarios:\n${scenario(1)}${scenario(2)}${scenario(3)}`;
  const serial = await runJson('serial.wscope.yaml', text);
  const parallel = await runJson('parallel.wscope.yaml', text, ['--parallel', '3']);
  assert.equal(serial.code, 0);
  assert.equal(parallel.code, 0);
  for (const report of [serial.report, parallel.report]) {
    for (const one of report.files[0]?.scenarios ?? []) assert.ok(one.ms >= 700 && one.ms < 2000, `${one.name} took ${one.ms} ms`);
    // In the file's order, whatever order they ended in.
    assert.deepEqual(
      report.files[0]?.scenarios.map((one) => one.name),
      ['slow 1', 'slow 2', 'slow 3'],
    );
  }
  assert.ok(serial.report.ms >= 2100, `one at a time: ${serial.report.ms} ms`);
  assert.ok(parallel.report.ms < 1600, `three at a time: ${parallel.report.ms} ms (serial ${serial.report.ms} ms)`);
  console.log(`# --parallel 3: ${parallel.report.ms.toFixed(0)} ms, one at a time: ${serial.report.ms.toFixed(0)} ms`);
});

test('connect: wss with a CA file or insecure, a refusal expected (expectStatus) or not, a TLS file missing (exit 12)', async () => {
  const tls = await startListen(['--echo', '-q', '--cert', join(FIXTURES, 'cert.pem'), '--key', join(FIXTURES, 'key.pem'), '--path', '/only']);
  try {
    const file = folder.write(
      'tls.wscope.yaml',
      `env:
  default: { base: "wss://127.0.0.1:${tls.port}" }
scenarios:
  - name: trusted by its CA
    connect: { url: "{{base}}/only", tls: { ca: ${JSON.stringify(join(FIXTURES, 'cert.pem'))} } }
    steps:
      - send: { text: secure }
      - expect: { text: secure }
  - name: insecure
    connect: { url: "{{base}}/only", tls: { insecure: true } }
    steps: []
  - name: untrusted
    connect: "{{base}}/only"
    steps: []
  - name: refused as expected
    connect: { url: "{{base}}/other", tls: { insecure: true }, expectStatus: 404 }
    steps: []
  - name: refused
    connect: { url: "{{base}}/other", tls: { insecure: true } }
    steps: []
`,
    );
    const result = await run([file, '--reporter', 'json']);
    assert.equal(result.code, 11, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as JsonReport;
    const byName = new Map(report.files[0]?.scenarios.map((one) => [one.name, one]));
    assert.equal(byName.get('trusted by its CA')?.status, 'passed', JSON.stringify(byName.get('trusted by its CA')));
    assert.equal(byName.get('insecure')?.status, 'passed');
    assert.match(JSON.stringify(byName.get('untrusted')), /could not connect to wss:\/\/127\.0\.0\.1:\d+\/only: .*self.signed/i);
    assert.equal(byName.get('refused as expected')?.status, 'passed');
    assert.deepEqual(byName.get('refused as expected')?.steps[0]?.notes, ['refused with 404, as expected']);
    assert.match(JSON.stringify(byName.get('refused')), /could not connect to wss:\/\/127\.0\.0\.1:\d+\/other: .*404/);
    const missing = folder.write(
      'missing-ca.wscope.yaml',
      `scenarios:\n  - name: x\n    connect: { url: "wss://127.0.0.1:${tls.port}/only", tls: { ca: nope.pem } }\n    steps: []\n`,
    );
    const bad = await run([missing]);
    assert.equal(bad.code, 12, bad.stdout);
    assert.match(bad.stdout, /cannot read .*nope\.pem: ENOENT/);
  } finally {
    await tls.stop();
  }
});
