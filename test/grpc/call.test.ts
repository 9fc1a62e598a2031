/**
 * `wscope grpc call` against servers that are not ours: the same cases looped over
 * @grpc/grpc-js (schema through its reflection) and Python grpcio (schema from --proto), the
 * real CLI in a process, pipe output parsed line by line.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CliProcess, killAll, runCli } from '../cli/helpers.js';
import { ECHO_SERVICE, PROTO_FLAGS } from './protos.js';
import { grpcJsServer, pythonServer, type TestServer } from './servers.js';

const PEERS: Array<{ name: string; start: () => Promise<TestServer>; schema: string[] }> = [
  { name: '@grpc/grpc-js with reflection', start: () => grpcJsServer(), schema: [] },
  { name: 'Python grpcio, --proto', start: () => pythonServer(), schema: PROTO_FLAGS },
];

function lines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

for (const peer of PEERS) {
  describe(`grpc call: ${peer.name}`, () => {
    let server: TestServer;
    const call = (method: string, ...args: string[]) => ['grpc', 'call', server.address, `${ECHO_SERVICE}/${method}`, '--plaintext', ...peer.schema, ...args];
    before(async () => {
      server = await peer.start();
    });
    after(async () => {
      killAll();
      await server.close();
    });

    it('unary: the request goes out and comes back in proto3 JSON, one line in a pipe', async () => {
      const request = {
        text: 'héllo',
        bigNumber: '9007199254740993',
        blob: 'AAEC/w==',
        mood: 'GRUMPY',
        tags: ['a', 'b'],
        counts: { x: 3 },
        inner: { label: 'in', values: [1, -2] },
        at: '2024-01-02T03:04:05.678Z',
        wait: '-1.500s',
        extra: { list: [1, null, 'two', { deep: true }] },
        ratio: 'Infinity',
        flag: true,
        number: 7,
      };
      const result = await runCli(call('Unary', '-d', JSON.stringify(request)), undefined);
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      assert.deepEqual(lines(result.stdout), [{ request }]);
    });

    it('server streaming: each reply a line, in order', async () => {
      const result = await runCli(call('ServerStream', '-d', '{"text":"tick","count":3,"intervalMs":20}'), undefined);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(lines(result.stdout), [
        { request: { text: 'tick 0' } },
        { request: { text: 'tick 1' }, index: 1 },
        { request: { text: 'tick 2' }, index: 2 },
      ]);
    });

    it('client streaming: messages from stdin, one a line or concatenated', async () => {
      const result = await runCli(call('ClientStream', '-d', '@'), '{"text":"a"}\n{"text":"b"}{"text":"c"}\n');
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(lines(result.stdout), [{ count: 3, texts: ['a', 'b', 'c'] }]);
    });

    it('bidi: each stdin message is sent as it arrives (the second written after the first reply is seen)', async () => {
      const cli = new CliProcess(call('Bidi', '-d', '@'));
      cli.write('{"text":"first"}\n');
      await cli.waitFor('stdout', /"first"/, 15_000);
      assert.doesNotMatch(cli.stdout, /second/);
      cli.write('{"text":"second"}');
      await cli.waitFor('stdout', /"second"/, 10_000);
      cli.end();
      const result = await cli.result(10_000);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(lines(result.stdout), [{ request: { text: 'first' } }, { request: { text: 'second' }, index: 1 }]);
    });

    it('-H metadata (a -bin key as base64) comes back in the headers and trailers -v shows', async () => {
      const result = await runCli(call('Unary', '-d', '{}', '-v', '-H', 'x-user: ana', '-H', 'x-blob-bin: AAEC'), undefined);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(lines(result.stdout), [{ request: {} }]);
      const stderr = result.stderr.split('\n');
      const headers = stderr.slice(stderr.indexOf('response headers:') + 1, stderr.indexOf('response trailers:'));
      const trailers = stderr.slice(stderr.indexOf('response trailers:') + 1, stderr.indexOf('status: 0 OK'));
      assert.ok(headers.includes('  x-user: ana') && headers.includes('  x-blob-bin: AAEC'), result.stderr);
      assert.ok(trailers.includes('  x-trailer-user: ana') && trailers.includes('  x-trailer-blob-bin: AAEC'), result.stderr);
    });

    it('an error status: code, name, meaning and the google.rpc details on stderr; exit 64 + code', async () => {
      const result = await runCli(call('Fail', '-d', '{"code":5,"message":"no such thing","withDetails":true}'), undefined);
      assert.equal(result.code, 69);
      assert.equal(result.stdout, '');
      assert.deepEqual(result.stderr.trimEnd().split('\n'), [
        'error: 5 NOT_FOUND: no such thing (some requested entity was not found)',
        '  details: {"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"text","description":"must not be empty"}]}',
        '  details: {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"EMPTY_TEXT","domain":"test.wscope.dev","metadata":{"field":"text"}}',
      ]);
      const plain = await runCli(call('Fail', '-d', '{"code":16,"message":"who are you"}'), undefined);
      assert.equal(plain.code, 80);
      assert.equal(plain.stderr, 'error: 16 UNAUTHENTICATED: who are you (the request does not have valid authentication credentials)\n');
    });

    it('--deadline: a slow method ends with 4 DEADLINE_EXCEEDED, exit 68', async () => {
      const started = Date.now();
      const result = await runCli(call('Slow', '-d', '{"delayMs":5000}', '--deadline', '0.5'), undefined, { timeoutMs: 15_000 });
      assert.equal(result.code, 68, result.stderr);
      assert.match(result.stderr, /^error: 4 DEADLINE_EXCEEDED: .*\(the deadline expired before the operation could complete\)\n$/);
      assert.ok(Date.now() - started < 5000, 'it did not wait for the slow reply');
    });

    it('bad input: one line on stderr and exit 2, nothing sent', async () => {
      const unknownMethod = await runCli(call('Nope', '-d', '{}'), undefined);
      assert.equal(unknownMethod.code, 2);
      assert.match(unknownMethod.stderr, /^error: .*no method 'Nope'|^error: .*does not know/);
      assert.equal(unknownMethod.stderr.trimEnd().split('\n').length, 1, unknownMethod.stderr);

      const malformed = await runCli(call('Unary', '-d', '{"text": "a",}'), undefined);
      assert.equal(malformed.code, 2);
      assert.match(malformed.stderr, /^error: -d: message 1: .*JSON.*\n$/);

      const wrongType = await runCli(call('Unary', '-d', '{"text": 5}'), undefined);
      assert.equal(wrongType.code, 2);
      assert.equal(wrongType.stderr, 'error: text: expected a string, got 5\n');

      const unknownField = await runCli(call('Unary', '-d', '{"txt": "a"}'), undefined);
      assert.equal(unknownField.code, 2);
      assert.match(unknownField.stderr, /^error: txt: wscope\.test\.v1\.EchoRequest has no field 'txt' \(fields: text, bigNumber, /);

      const badStdin = await runCli(call('Bidi', '-d', '@'), '{"text":"ok"}\n{"text": nope}\n');
      assert.equal(badStdin.code, 2);
      assert.match(badStdin.stderr, /^error: stdin: message 2: .*JSON.*\n$/);
    });
  });
}

describe('grpc call: no server', () => {
  after(killAll);
  it('a refused connection: one line, exit 3', async () => {
    const result = await runCli(['grpc', 'call', '127.0.0.1:1', `${ECHO_SERVICE}/Unary`, '--plaintext', ...PROTO_FLAGS, '-d', '{}'], undefined);
    assert.equal(result.code, 3);
    assert.equal(result.stderr, 'error: cannot connect to 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n');
  });
});
