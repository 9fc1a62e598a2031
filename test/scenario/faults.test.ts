/**
 * The fault steps as a user runs them: a scenario file, `wscope run` in its own process, against
 * ws, Python websockets and `wscope listen`, each taking messages up to 64 KiB. The close codes
 * are the servers' own answers (expectClose in the file checks them); what the servers saw of
 * aborts and of a client that stops reading is asserted from their side.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { killAll } from '../cli/helpers.js';
import { type FaultServer, MAX_MESSAGE, pythonFaultServer, wsFaultServer } from './fault-servers.js';
import { type EchoPeer, run, ScenarioFolder, startListen } from './helpers.js';

const folder = new ScenarioFolder();
after(() => {
  killAll();
  folder.remove();
});

interface Case {
  name: string;
  steps: string;
  /** Default /echo. */
  path?: string;
}

/** What every correct server answers, whatever it is built with. */
const CONFORMANCE: Case[] = [
  { name: 'RSV2 set without an extension', steps: '- frame: { opcode: text, text: hi, rsv2: true }\n- expectClose: 1002' },
  { name: 'an unmasked client frame', steps: '- frame: { opcode: text, text: hi, mask: false }\n- expectClose: 1002' },
  { name: 'a reserved opcode', steps: '- frame: { opcode: 3 }\n- expectClose: 1002' },
  { name: 'a ping in two frames', steps: '- frame: { opcode: ping, text: a, fin: false }\n- expectClose: 1002' },
  { name: 'a ping of 126 bytes', steps: `- frame: { opcode: ping, payload: "${'00'.repeat(126)}" }\n- expectClose: 1002` },
  { name: 'a continuation with no message begun', steps: '- frame: { opcode: continuation, text: x }\n- expectClose: 1002' },
  { name: 'a surrogate in a text message', steps: '- invalidUtf8: surrogate\n- expectClose: 1007' },
  { name: 'a truncated sequence ending a message of 3 frames', steps: '- invalidUtf8: { kind: truncated, frames: 3 }\n- expectClose: 1007' },
  { name: 'invalid UTF-8 in a Close reason', steps: '- invalidUtf8: { in: closeReason }\n- expectClose: 1007' },
  { name: 'a frame past the limit', steps: `- oversize: { size: ${MAX_MESSAGE + 1} }\n- expectClose: 1009` },
  { name: 'a message past the limit in 3 frames', steps: `- oversize: { size: ${MAX_MESSAGE + 100}, frames: 3 }\n- expectClose: 1009` },
  { name: 'a header declaring 1 GiB', steps: '- oversize: { size: 1GiB, declared: true }\n- expectClose: 1009' },
  { name: 'a header declaring 2^63 bytes', steps: '- frame: { opcode: binary, declaredLength: "9223372036854775808" }\n- expectClose: { within: 3s }' },
  {
    name: 'a message in 4 frames with pings between',
    steps:
      '- sendFragmented: { message: hello, frames: 4, between: [ping, { opcode: ping, text: x }] }\n- expect: hello\n- expectPong: { data: "" }\n- expectPong: { data: x }',
  },
  {
    name: 'a text frame inside a fragmented message',
    steps: '- sendFragmented: { message: hello, between: { opcode: text, text: oops } }\n- expectClose: 1002',
  },
  // "he" is a message, then "llo" a header: 0x6c has RSV2 set.
  { name: 'a length that lies short', steps: '- frame: { opcode: text, text: hello, declaredLength: 2, mask: "00000000" }\n- expectClose: 1002' },
  {
    name: 'a length that lies long: the server waits',
    steps: '- frame: { opcode: text, text: hello, declaredLength: 100 }\n- expectNoMessage: { for: 300ms }\n- abort',
  },
  { name: 'hand-made bytes', steps: '- rawBytes: "81 82 00 00 00 00 68 69"\n- expect: { text: hi }' },
  { name: 'Close 1005, which may not be sent', steps: '- closeWith: 1005\n- expectClose: 1002' },
  { name: 'Close 999', steps: '- closeWith: 999\n- expectClose: 1002' },
  { name: 'Close 5000', steps: '- closeWith: { code: 5000, reason: x }\n- expectClose: 1002' },
  { name: 'Close 4000 with a reason', steps: '- closeWith: { code: 4000, reason: bye }\n- expectClose: { code: 4000, reason: bye }' },
  { name: 'a slow client', steps: '- sendSlowly: { message: hello, bytesPerSecond: 40 }\n- expect: hello' },
  { name: 'a reset', steps: '- abort\n- expectClose: 1006', path: '/reset' },
];

function scenarioFile(url: string, cases: Case[]): string {
  const indent = (text: string) => text.replace(/^/gm, '      ');
  const scenarios = cases.map(
    ({ name, steps, path }) =>
      `  - name: ${JSON.stringify(name)}\n    connect: { url: "${url}${path ?? '/echo'}", compression: false }\n    steps:\n${indent(steps)}`,
  );
  return `messages:\n  hello: "hello there"\nscenarios:\n${scenarios.join('\n')}\n`;
}

/** `wscope run` on these cases; every one must pass. */
async function runCases(name: string, url: string, cases: Case[]): Promise<string> {
  const file = folder.write(`${name}.wscope.yaml`, scenarioFile(url, cases));
  const result = await run([file], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, new RegExp(`^${cases.length} passed \\(${cases.length} scenarios`, 'm'));
  return result.stdout;
}

function slowNote(stdout: string): number {
  const match = /^ +(\d+) bytes in (\d+) ms$/m.exec(stdout);
  assert.ok(match, stdout);
  // "hello there": 11 bytes, a 2-byte header and a 4-byte mask key.
  assert.equal(match[1], '17');
  return Number(match[2]);
}

for (const [label, start] of [
  ['ws', wsFaultServer],
  ['Python websockets', pythonFaultServer],
] as const) {
  describe(`fault steps against ${label}`, () => {
    let server: FaultServer;
    before(async () => {
      server = await start();
    });
    after(() => server.stop());

    test('each fault gets the close code RFC 6455 names, and a valid frame the server leniently takes', async () => {
      const lenient = {
        name: 'a length in the 64-bit form that fits in 7 bits',
        steps: '- frame: { opcode: text, text: hello, lengthForm: 64 }\n- expect: { text: hello }',
      };
      const stdout = await runCases(label.replace(/\W/g, ''), server.url, [...CONFORMANCE, lenient]);
      // 17 bytes at 40 B/s: one byte every 25 ms, 16 waits.
      const ms = slowNote(stdout);
      assert.ok(ms >= 380 && ms < 1500, `sendSlowly took ${ms} ms`);
      // The server saw the reset as a connection lost without a Close.
      assert.equal((await server.next('/reset')).closeCode, 1006);
    });

    test("stopReading: the server's sends wait while the client does not read, and all its messages come after", async () => {
      // Uncompressed: 64 MiB of zeros would deflate to almost nothing and fit in any buffer.
      const flood = '- send: { text: flood }\n';
      const reading = `${flood}- waitFor: { text: done, within: 20s }`;
      const notReading = `- stopReading\n${flood}- sleep: 2s\n- resumeReading\n- waitFor: { text: done, within: 20s }`;
      const scenario = (name: string, steps: string) =>
        `  - name: ${name}\n    connect: { url: "${server.url}/flood", compression: false }\n    steps:\n${steps.replace(/^/gm, '      ')}\n`;
      const file = folder.write(
        `flood-${label.replace(/\W/g, '')}.wscope.yaml`,
        `scenarios:\n${scenario('reading', reading)}${scenario('not reading', notReading)}`,
      );
      const result = await run([file], { timeoutMs: 60_000 });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const read = await server.next('/flood');
      const paused = await server.next('/flood');
      // One send waits for most of the pause: the buffers filled within its first moments.
      assert.ok(paused.stalledMs! >= 1200, `the longest send waited ${paused.stalledMs} ms while the client did not read for 2 s`);
      assert.ok(
        read.stalledMs! < paused.stalledMs! / 2,
        `the longest send waited ${read.stalledMs} ms for a reading client, ${paused.stalledMs} ms for one not reading`,
      );
    });
  });
}

describe('fault steps against wscope listen', () => {
  let peer: EchoPeer;
  before(async () => {
    peer = await startListen(['--echo', '-q', '--max-payload', String(MAX_MESSAGE)]);
  });
  after(() => peer.stop());

  test('the same close codes, and a length not minimally encoded is 1002 (RFC 6455 §5.2: "the minimal number of bytes MUST be used")', async () => {
    const strict = {
      name: 'a length in the 64-bit form that fits in 7 bits',
      steps: '- frame: { opcode: text, text: hello, lengthForm: 64 }\n- expectClose: 1002',
    };
    slowNote(await runCases('ours', peer.url, [...CONFORMANCE, strict]));
  });
});

test('a fault the server answers otherwise than expected fails the scenario with what it did answer (exit 11)', async () => {
  const server = await wsFaultServer();
  try {
    const file = folder.write(
      'wrong.wscope.yaml',
      scenarioFile(server.url, [{ name: 'rsv2', steps: '- frame: { opcode: text, text: hi, rsv2: true }\n- expectClose: 1000' }]),
    );
    const result = await run([file]);
    assert.equal(result.code, 11, result.stdout + result.stderr);
    assert.match(result.stdout, /closed with 1002 Protocol Error, expected 1000/);
  } finally {
    await server.stop();
  }
});

test('a frame that cannot be built is refused when the file is read, at its place (exit 12)', async () => {
  const file = folder.write(
    'bad-frame.wscope.yaml',
    scenarioFile('ws://127.0.0.1:9', [{ name: 'bad', steps: '- frame: { opcode: text, declaredLength: 200, lengthForm: 7 }' }]),
  );
  const result = await run([file]);
  assert.equal(result.code, 12, result.stdout + result.stderr);
  assert.match(result.stderr, /bad-frame\.wscope\.yaml:\d+:\d+: frame: a declared length of 200 does not fit the 7-bit length form \(at most 125\)/);
});
