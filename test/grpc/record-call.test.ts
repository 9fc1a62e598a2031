/**
 * `wscope grpc call --record FILE.jsonl`: the client's side of a call read back — its start
 * (method, kind, metadata with authorization redacted, the server it called), each request out
 * and reply in with its time, JSON and size, and its end with the status.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeJsonl, type GrpcTraceEvent } from '../../src/index.js';
import { killAll, runCli, tempDir } from '../cli/helpers.js';
import { ECHO_SERVICE, PROTO_FLAGS } from './protos.js';
import { startMock } from './serve-mock.js';

const dir = tempDir();
after(() => {
  killAll();
  dir.remove();
});

test('a recorded bidi call and a failing one: messages out and in with times, status and metadata', async () => {
  const mocks = join(dir.path, 'mocks.yaml');
  writeFileSync(mocks, `methods:\n  ${ECHO_SERVICE}/Fail: { status: { code: NOT_FOUND, message: no such order } }\n`);
  const mock = await startMock(['--mocks', mocks]);
  const record = join(dir.path, 'call.jsonl');
  const call = (method: string, data: string, file: string) =>
    runCli(
      [
        'grpc',
        'call',
        mock.address,
        `${ECHO_SERVICE}/${method}`,
        '--plaintext',
        ...PROTO_FLAGS,
        '-d',
        data,
        '-H',
        'authorization: Bearer s3cret',
        '-H',
        'x-trace: t-1',
        '--record',
        file,
      ],
      undefined,
      { timeoutMs: 15_000 },
    );
  const bidi = await call('Bidi', '{"text":"one"} {"text":"two"}', record);
  assert.equal(bidi.code, 0, bidi.stderr);
  assert.equal(bidi.stdout.trim().split('\n').length, 2);

  const events = decodeJsonl(readFileSync(record, 'utf8'), { grpc: true }) as GrpcTraceEvent[];
  const [start] = events;
  assert.ok(start?.event === 'grpc-start');
  assert.deepEqual([start.role, start.dir, start.method, start.kind], ['client', 'out', `/${ECHO_SERVICE}/Bidi`, 'bidi-streaming']);
  assert.equal(start.peer, mock.address);
  assert.deepEqual(
    start.metadata.filter(([key]) => key === 'authorization' || key === 'x-trace'),
    [
      ['authorization', '[redacted]'],
      ['x-trace', 't-1'],
    ],
  );
  const messages = events.filter((event) => event.event === 'grpc-message');
  assert.deepEqual(
    messages.filter((event) => event.dir === 'out').map((event) => [event.json, event.size]),
    [
      [{ text: 'one' }, 5],
      [{ text: 'two' }, 5],
    ],
  );
  assert.equal(messages.filter((event) => event.dir === 'in').length, 2);
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.time >= events[i - 1]!.time, 'in time order');
  const end = events.at(-1);
  assert.ok(end?.event === 'grpc-end');
  assert.deepEqual([end.dir, end.code, end.name], ['in', 0, 'OK']);
  assert.equal(new Set(events.map((event) => event.conn)).size, 1, 'one call, one id');

  const failRecord = join(dir.path, 'fail.jsonl');
  const failed = await call('Fail', '{}', failRecord);
  assert.equal(failed.code, 69, 'exit 64 + 5');
  const failEnd = (decodeJsonl(readFileSync(failRecord, 'utf8'), { grpc: true }) as GrpcTraceEvent[]).at(-1);
  assert.ok(failEnd?.event === 'grpc-end');
  assert.deepEqual([failEnd.code, failEnd.name, failEnd.message], [5, 'NOT_FOUND', 'no such order']);
});

test('grpc call --record FILE.har: refused in one line, exit 2', async () => {
  const result = await runCli(
    ['grpc', 'call', '127.0.0.1:1', `${ECHO_SERVICE}/Unary`, '--plaintext', ...PROTO_FLAGS, '--record', join(dir.path, 'x.har')],
    undefined,
  );
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^error: --record '.*x\.har': HAR has no shape for gRPC calls; record to a \.jsonl file \(trace events\)\n/);
});
