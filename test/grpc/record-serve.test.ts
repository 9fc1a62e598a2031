/**
 * `wscope grpc serve --record FILE.jsonl`: each call the mock answered, read back with
 * decodeJsonl(text, { grpc: true }) — its start (method, kind, metadata with credentials
 * redacted, peer), every message in and out with its time, JSON and size, and its end (status,
 * message, trailers).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { decodeJsonl, type GrpcTraceEvent, TraceFormatError } from '../../src/index.js';
import { killAll, tempDir } from '../cli/helpers.js';
import { ECHO_SERVICE } from './protos.js';
import { collect, echoClient, startMock, unary } from './serve-mock.js';

const dir = tempDir();
after(() => {
  killAll();
  dir.remove();
});

test('a recorded mock: every call with its messages in and out, times, status and metadata', async () => {
  const record = join(dir.path, 'calls.jsonl');
  const mocks = join(dir.path, 'mocks.yaml');
  writeFileSync(
    mocks,
    `methods:\n  ${ECHO_SERVICE}/Fail:\n    status: { code: NOT_FOUND, message: gone, details: [{ "@type": type.googleapis.com/google.rpc.ErrorInfo, reason: GONE }] }\n`,
  );
  const mock = await startMock(['--mocks', mocks, '--record', record]);
  const client = echoClient(mock.address);
  const metadata = new grpc.Metadata();
  metadata.set('authorization', 'Bearer secret-token');
  metadata.set('x-request-id', 'r-1');
  await unary(client, 'Unary', { text: 'hello' }, metadata);
  const bidi = client.Bidi();
  const done = collect(bidi);
  bidi.write({ text: 'one' });
  bidi.write({ text: 'two' });
  bidi.end();
  await done;
  await unary(client, 'Fail', {}).catch(() => undefined);
  client.close();
  await mock.cli.waitFor('stderr', /^#3 .*Fail unary: 5 NOT_FOUND/m);
  mock.cli.kill();
  await mock.cli.result();

  const text = readFileSync(record, 'utf8');
  // A reader of WebSocket traces refuses them, naming the event; with { grpc: true } they are read.
  assert.throws(
    () => decodeJsonl(text),
    (error: unknown) => error instanceof TraceFormatError && /"event" must be one of .*got "grpc-start"/.test(error.message),
  );
  const events = decodeJsonl(text, { grpc: true }) as GrpcTraceEvent[];
  const calls = [...new Set(events.map((event) => event.conn))];
  assert.equal(calls.length, 3);
  const [unaryCall, bidiCall, failCall] = calls.map((conn) => events.filter((event) => event.conn === conn));

  const [start, request, reply, end] = unaryCall!;
  assert.ok(start?.event === 'grpc-start');
  assert.equal(start.role, 'server');
  assert.equal(start.dir, 'in');
  assert.equal(start.method, `/${ECHO_SERVICE}/Unary`);
  assert.equal(start.kind, 'unary');
  assert.match(start.peer ?? '', /^127\.0\.0\.1:\d+$/);
  assert.deepEqual(
    start.metadata.filter(([key]) => key === 'authorization' || key === 'x-request-id'),
    [
      ['authorization', '[redacted]'],
      ['x-request-id', 'r-1'],
    ],
  );
  assert.ok(request?.event === 'grpc-message' && reply?.event === 'grpc-message');
  assert.equal(request.dir, 'in');
  assert.deepEqual(request.json, { text: 'hello' });
  assert.equal(request.size, 7, 'field 1 tag, length, 5 bytes');
  assert.equal(reply.dir, 'out');
  assert.equal((reply.json as { index: number }).index, 1);
  assert.ok(reply.size > 20);
  assert.ok(end?.event === 'grpc-end');
  assert.equal(end.dir, 'out');
  assert.deepEqual([end.code, end.name, end.message], [0, 'OK', '']);
  assert.ok(start.time <= request.time && request.time <= reply.time && reply.time <= end.time, 'in time order');

  assert.equal(bidiCall![0]?.event, 'grpc-start');
  const order = bidiCall!.filter((event) => event.event === 'grpc-message').map((event) => event.dir);
  assert.equal(order.indexOf('in') < order.indexOf('out'), true, `each reply after its request: ${order.join(' ')}`);
  const bidiMessages = bidiCall!.filter((event) => event.event === 'grpc-message');
  assert.deepEqual(
    bidiMessages.filter((event) => event.dir === 'in').map((event) => event.json),
    [{ text: 'one' }, { text: 'two' }],
  );
  assert.equal(bidiMessages.filter((event) => event.dir === 'out').length, 2);
  assert.equal(bidiCall!.at(-1)?.event, 'grpc-end');

  const failEnd = failCall!.at(-1);
  assert.ok(failEnd?.event === 'grpc-end');
  assert.deepEqual([failEnd.code, failEnd.name, failEnd.message], [5, 'NOT_FOUND', 'gone']);
  const details = failEnd.trailers.find(([key]) => key === 'grpc-status-details-bin');
  assert.ok(details && Buffer.from(details[1], 'base64').includes(Buffer.from('GONE')), 'the details trailer, base64');
});
