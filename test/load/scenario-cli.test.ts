/**
 * `wscope load --scenario FILE` as a user runs it (the CLI in a process): every virtual user runs
 * the file's steps, each send's reply is timed to the expect that checks it (so a known delay
 * shows in the percentiles), the counts add up, failing iterations are counted with their step,
 * the server may speak first, and bad input is one line with its exit code.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type HandshakeRequest, WebSocketServer } from '../../src/index.js';
import type { LoadResult } from '../../src/load/index.js';
import { freePort, runCli, tempDir } from '../cli/helpers.js';
import { greetingEchoServer, killPythonServers, ourEcho, pythonEcho, scriptedServer, type TestServer, wsEcho } from './peers.js';
import { assertCountsAddUp, loadCli, removeResults, serversPerTest } from './run-helpers.js';

const files = tempDir();
const serve = serversPerTest();
after(() => {
  killPythonServers();
  removeResults();
  files.remove();
});

let written = 0;
function scenarioFile(yaml: string): string {
  const path = join(files.path, `s${++written}.wscope.yaml`);
  writeFileSync(path, yaml);
  return path;
}

/** Three request/reply pairs inside a `repeat` (nested steps are timed too), to a target the command line replaces. */
const ROUND_TRIPS = `
scenarios:
  - name: three round trips
    connect: ws://127.0.0.1:1/chat?room=1
    steps:
      - repeat:
          times: 3
          steps:
            - send: { json: { conn: "{{conn}}", seq: "{{$seq}}" } }
            - expect: { jsonPath: "$.conn", value: "{{conn}}" }
      - close: 1000
      - expectClose: 1000
`;

for (const [name, start] of [
  ['ws', () => wsEcho(40)],
  ['our own server', () => ourEcho()],
  ['Python websockets', () => pythonEcho()],
] as const) {
  test(`against ${name}: each user runs the scenario --iterations times, every send matched to its expect, the counts add up`, async () => {
    const server = await serve(start());
    const run = await loadCli([
      server.url,
      '--scenario',
      scenarioFile(ROUND_TRIPS),
      '-c',
      '2',
      '--iterations',
      '2',
      '-w',
      '1',
      '-q',
      '--threshold',
      'iterations-failed<1',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /✓ pass iterations-failed<1 \(was 0\)/);
    const { messages, connections } = run.result.totals;
    assert.equal(messages.sent, 12, '2 users × 2 iterations × 3 sends');
    assert.equal(messages.matched, 12);
    assert.equal(messages.unmatched + messages.timedOut + messages.unsolicited, 0);
    assert.equal(connections.attempted, 4, 'one connection per iteration');
    assert.equal(connections.opened, 4);
    assert.deepEqual(run.result.totals.closeCodes, { '1000': 4 });
    assert.deepEqual(run.result.scenario?.iterations, { run: 4, passed: 4, failed: 0, interrupted: 0 });
    assert.deepEqual(run.result.scenario?.failures, []);
    assert.equal(run.result.settings.message.source, 'scenario');
    assertCountsAddUp(run.result);
    assert.match(run.stdout, /Iterations\s+run 4\s+passed 4\s+failed 0\s+interrupted 0/);
    if (name === 'ws') {
      // The server answers 40 ms late: every reply's latency is at least that, and most little more.
      const { latency } = run.result;
      assert.ok(latency.min >= 40_000, `min ${latency.min} µs is at least the delay`);
      assert.ok(latency.p50 >= 40_000 && latency.p50 <= 60_000, `p50 ${latency.p50} µs within 40-60 ms`);
    }
  });
}

test('latency is from the send to the arrival of the reply the expect checks, not to when the expect ran', async () => {
  const server = await serve(wsEcho(40));
  // The reply (40 ms) is in long before the expect looks (after 150 ms).
  const file = scenarioFile(`
scenarios:
  - name: slow reader
    connect: ws://127.0.0.1:1/
    steps:
      - send: { text: "one {{conn}}" }
      - sleep: 150ms
      - expect: { text: "one {{conn}}" }
`);
  const run = await loadCli([server.url, '--scenario', file, '-c', '2', '--iterations', '3', '-w', '1', '-q']);
  assert.equal(run.code, 0, run.stderr);
  const { latency } = run.result;
  assert.equal(latency.count, 6);
  assert.ok(latency.min >= 40_000, `min ${latency.min} µs is at least the delay`);
  assert.ok(latency.max < 100_000, `max ${latency.max} µs: the arrival, not the end of the sleep`);
  assertCountsAddUp(run.result);
});

describe('the target, and the templating', () => {
  /** Our server, echoing, noting each connection's path and each message. */
  async function notingServer(): Promise<TestServer & { paths: string[]; messages: string[] }> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    const paths: string[] = [];
    const messages: string[] = [];
    server.on('connection', (socket, request: HandshakeRequest) => {
      paths.push(request.url);
      socket.on('message', (data: Buffer) => {
        messages.push(data.toString());
        socket.send(data.toString());
      });
    });
    await server.ready();
    return { name: 'noting', paths, messages, url: `ws://127.0.0.1:${server.address().port}/`, close: () => server.close() };
  }

  test("URL given: its scheme, host and port replace the scenario's, the step's path and query stay; {{conn}} and {{$seq}} as in --message", async () => {
    const server = await serve(notingServer());
    const run = await loadCli([server.url, '--scenario', scenarioFile(ROUND_TRIPS), '-c', '2', '--iterations', '1', '-w', '1', '-q']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(server.paths, ['/chat?room=1', '/chat?room=1']);
    const sent = server.messages.map((text) => JSON.parse(text) as { conn: number; seq: number });
    assert.deepEqual([...new Set(sent.map((message) => message.conn))].sort(), [1, 2], '{{conn}}: each user its number');
    assert.deepEqual(
      sent.map((message) => message.seq).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6],
      '{{$seq}}: one counter for the worker',
    );
  });

  test("a connect that fails names the URL it dialed (the one given, with the step's path), its password redacted", async () => {
    const port = await freePort();
    const file = scenarioFile(`
scenarios:
  - name: one
    connect: ws://writer:pw1@127.0.0.1:1/chat?room=1
    steps: []
`);
    const run = await loadCli([`ws://tester:hunter2@127.0.0.1:${port}/`, '--scenario', file, '-c', '1', '--iterations', '1', '-w', '1', '-q']);
    const [failure] = run.result.scenario!.failures;
    assert.match(failure!.first, new RegExp(`^could not connect to ws://tester:\\*\\*\\*@127\\.0\\.0\\.1:${port}/chat\\?room=1: .*ECONNREFUSED`));
    assert.doesNotMatch(run.stdout + run.stderr + JSON.stringify(run.result), /hunter2|pw1/);
  });

  test("URL omitted: the scenario's own target ({{url}} from its environment, here set with --var)", async () => {
    const server = await serve(notingServer());
    const file = scenarioFile(`
env:
  default: { url: "ws://127.0.0.1:1" }
scenarios:
  - name: one
    connect: "{{url}}/own"
    steps:
      - send: { text: "hi {{conn}}" }
      - expect: { text: "hi {{conn}}" }
`);
    const run = await loadCli(['--scenario', file, '--var', `url=${server.url.replace(/\/$/, '')}`, '-c', '1', '--iterations', '3', '-w', '1', '-q']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(server.paths, ['/own', '/own', '/own']);
    assert.equal(run.result.totals.messages.matched, 3);
    assert.equal(run.result.settings.url, file, 'the result names the file when no URL is given');
  });
});

describe('iterations that fail', () => {
  // Message n (from {{$seq}}): a multiple of 3 gets a wrong answer, another multiple of 4 none; the rest `ok n`.
  const answer = (socket: { send(text: string): void }, data: Buffer) => {
    const n = Number(data.toString());
    if (n % 3 === 0) socket.send('wrong');
    else if (n % 4 !== 0) socket.send(`ok ${n}`);
  };
  const FLAKY = `
scenarios:
  - name: flaky
    connect: ws://127.0.0.1:1/
    steps:
      - send: { text: "{{$seq}}" }
      - expect: { regex: "^ok \\\\d+$" }
      - close: 1000
`;

  test('a wrong reply is unmatched, no reply timed out; the iterations, the failing step and its first failure are counted; a threshold fails the run (exit 14)', async () => {
    const server = await serve(scriptedServer(answer));
    const file = scenarioFile(FLAKY);
    const run = await loadCli([
      server.url,
      '--scenario',
      file,
      '-c',
      '2',
      '--iterations',
      '6',
      '-w',
      '1',
      '--reply-timeout',
      '300ms',
      '-q',
      '--threshold',
      'timeouts<1',
      '--threshold',
      'iterations-failed<10%',
    ]);
    assert.equal(run.code, 14, run.stderr);
    assert.match(run.stderr, /thresholds failed: timeouts<1, iterations-failed<10%/);
    assert.match(run.stdout, /✗ FAIL iterations-failed<10% \(was 50(\.0+)?%\)/);
    // Messages 1..12: 3, 6, 9, 12 answered wrong; 4, 8 not answered; 6 answered right.
    const { messages } = run.result.totals;
    assert.equal(messages.sent, 12);
    assert.equal(messages.matched, 6);
    assert.equal(messages.unmatched, 4, 'a reply that did not match');
    assert.equal(messages.timedOut, 2, 'no reply within the expect’s time (--reply-timeout)');
    assert.equal(messages.unsolicited, 4, 'the wrong replies answered no request');
    assertCountsAddUp(run.result);
    const scenario = run.result.scenario!;
    assert.deepEqual(scenario.iterations, { run: 12, passed: 6, failed: 6, interrupted: 0 });
    assert.equal(scenario.failures.length, 1);
    const [failure] = scenario.failures;
    assert.equal(failure!.count, 6);
    assert.equal(failure!.place, `${file}:7:9`);
    assert.match(failure!.step, /^expect regex/);
    assert.match(failure!.first, /the message did not match|no message came within 300 ms/);
    assert.match(run.stdout, /Iterations\s+run 12\s+passed 6\s+failed 6/);
    assert.match(run.stdout, /Failed steps\s+×6 expect regex/);
    assert.equal(run.result.totals.errors, 2, 'the timeouts are errors');
    // Two machines' results merge exactly, the scenario's counts too.
    const merged = join(files.path, 'merged.json');
    const merge = await runCli(['load', 'merge', run.file, run.file, '-o', merged], undefined);
    assert.equal(merge.code, 0, merge.stderr);
    const sum = JSON.parse(readFileSync(merged, 'utf8')) as LoadResult;
    assert.deepEqual(sum.scenario?.iterations, { run: 24, passed: 12, failed: 12, interrupted: 0 });
    assert.deepEqual(
      sum.scenario?.failures.map((one) => [one.place, one.count, one.first]),
      [[failure!.place, 12, failure!.first]],
    );
  });

  test('--duration: iterations are repeated until it ends, and the counts still add up', async () => {
    const server = await serve(scriptedServer(answer));
    const run = await loadCli([server.url, '--scenario', scenarioFile(FLAKY), '-c', '2', '-d', '1.5', '-w', '1', '--reply-timeout', '200ms', '-q']);
    assert.equal(run.code, 0, run.stderr);
    const scenario = run.result.scenario!;
    assert.ok(scenario.iterations.run >= 6, `${scenario.iterations.run} iterations`);
    assert.equal(scenario.iterations.run, scenario.iterations.passed + scenario.iterations.failed + scenario.iterations.interrupted);
    assert.ok(scenario.iterations.failed > 0 && scenario.iterations.passed > 0);
    assert.equal(scenario.iterationsPerConnection, null);
    assertCountsAddUp(run.result);
  });
});

test('a server that speaks first, in the same write as its 101: an expect for its greeting passes, and the greeting is no reply', async () => {
  const server = await serve(greetingEchoServer('welcome'));
  const file = scenarioFile(`
scenarios:
  - name: greeted
    connect: ws://127.0.0.1:1/
    steps:
      - expect: { text: welcome, within: 1s }
      - send: { text: "hello {{conn}}" }
      - expect: { text: "hello {{conn}}" }
      - close: 1000
      - expectClose: 1000
`);
  const run = await loadCli([server.url, '--scenario', file, '-c', '2', '--iterations', '2', '-w', '1', '-q']);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  assert.deepEqual(run.result.scenario?.iterations, { run: 4, passed: 4, failed: 0, interrupted: 0 });
  const { messages } = run.result.totals;
  assert.equal(messages.sent, 4);
  assert.equal(messages.matched, 4);
  assert.equal(messages.received, 8);
  assert.equal(messages.unsolicited, 4, 'each greeting');
  assertCountsAddUp(run.result);
});

test('a message that came before the send is no reply to it, even when an expect after the send checks it', async () => {
  const server = await serve(greetingEchoServer('welcome'));
  const file = scenarioFile(`
scenarios:
  - name: greeted late
    connect: ws://127.0.0.1:1/
    steps:
      - sleep: 50ms
      - send: { text: "hello {{conn}}" }
      - expect: { text: welcome }
      - expect: { text: "hello {{conn}}" }
`);
  const run = await loadCli([server.url, '--scenario', file, '-c', '1', '--iterations', '3', '-w', '1', '-q']);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  const { messages } = run.result.totals;
  assert.equal(messages.sent, 3);
  assert.equal(messages.matched, 3, 'each send paired with its echo');
  assert.equal(messages.unsolicited, 3, 'each greeting');
  assert.ok(run.result.latency.max < 50_000, `max ${run.result.latency.max} µs: the echo's latency, not the greeting's`);
  assertCountsAddUp(run.result);
});

describe('bad input', () => {
  test('a missing file: one line on stderr, exit 12, before anything connects', async () => {
    const run = await runCli(['load', 'ws://127.0.0.1:1/', '--scenario', join(files.path, 'none.wscope.yaml'), '-q'], undefined);
    assert.equal(run.code, 12, run.stderr);
    assert.match(run.stderr, /^error: .*none\.wscope\.yaml:1:1: cannot read the file: ENOENT\n$/);
    assert.equal(run.stdout, '');
  });

  test('an invalid file: its place and the problem, exit 12', async () => {
    const file = scenarioFile('scenarios:\n  - name: typo\n    connect: ws://127.0.0.1:1/\n    steps:\n      - sned: { text: hi }\n');
    const run = await runCli(['load', '--scenario', file, '-q'], undefined);
    assert.equal(run.code, 12, run.stderr);
    assert.match(run.stderr, /^error: .*:5:9: unknown step "sned" \(steps: connect, send/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });

  test('a variable the file lacks fails every iteration: exit 12 naming it, after the summary', async () => {
    const server = await serve(ourEcho());
    const file = scenarioFile('scenarios:\n  - name: missing\n    connect: ws://127.0.0.1:1/\n    steps:\n      - send: { text: "{{nope}}" }\n');
    const run = await runCli(['load', server.url, '--scenario', file, '--iterations', '1', '-w', '1', '-q'], undefined);
    assert.equal(run.code, 12, run.stderr);
    assert.match(run.stderr, /^error: [^ ]*s\d+\.wscope\.yaml:5:24: missing variable "nope" \(defined: conn\)\n$/);
    assert.match(run.stdout, /Iterations\s+run 1\s+passed 0\s+failed 1/);
  });

  for (const flag of [
    ['--message', 'hi'],
    ['--message-file', 'x.txt'],
    ['--size', '64'],
    ['--rate', '10/s'],
  ]) {
    test(`--scenario with ${flag[0]}: one line, exit 2`, async () => {
      const run = await runCli(['load', 'ws://127.0.0.1:1/', '--scenario', 'x.wscope.yaml', ...flag], undefined);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`--scenario runs the file's steps: use it without ${flag[0]}`));
    });
  }

  test('--iterations without --scenario, and with --duration: exit 2', async () => {
    const alone = await runCli(['load', 'ws://127.0.0.1:1/', '--iterations', '2'], undefined);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--iterations goes with --scenario FILE/);
    const both = await runCli(['load', 'ws://127.0.0.1:1/', '--scenario', 'x.wscope.yaml', '--iterations', '2', '-d', '3'], undefined);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /use either --duration or --iterations, not both/);
  });
});
