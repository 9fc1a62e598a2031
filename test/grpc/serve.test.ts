/**
 * `wscope grpc serve` called by @grpc/grpc-js clients: every kind of method answered with
 * generated messages (every field filled) or from a --mocks file (a match, a stream of replies,
 * an error status with google.rpc details, a delay); the log line each call leaves on stderr.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { killAll, runCli, tempDir } from '../cli/helpers.js';
import { ECHO_SERVICE } from './protos.js';
import { collect, echoClient, startMock, unary } from './serve-mock.js';

const dir = tempDir();
after(() => {
  killAll();
  dir.remove();
});

const MOCKS = `methods:
  ${ECHO_SERVICE}/Unary:
    - match: { text: bob }
      response: { texts: [hello bob], index: 7 }
    - status: { code: NOT_FOUND, message: no such user }
  ${ECHO_SERVICE}/Bidi:
    responses: [{ texts: [first] }, { texts: [second] }]
  ${ECHO_SERVICE}/ServerStream:
    responses: [{ index: 1 }, { index: 2 }]
    delay: 150ms
    status: { code: RESOURCE_EXHAUSTED, message: out of replies }
  ${ECHO_SERVICE}/Fail:
    status:
      code: 9
      message: the order is closed
      details:
        - "@type": type.googleapis.com/google.rpc.ErrorInfo
          reason: ORDER_CLOSED
          domain: shop.example
          metadata: { order: "42" }
        - "@type": type.googleapis.com/google.rpc.BadRequest
          field_violations: [{ field: id, description: closed }]
`;

/** An independent reading of google.rpc.Status and two of its details, to check what the trailer holds. */
const RPC = protobuf.parse(
  `syntax = "proto3"; package google.rpc;
message Any { string type_url = 1; bytes value = 2; }
message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
message BadRequest { message FieldViolation { string field = 1; string description = 2; } repeated FieldViolation field_violations = 1; }`,
  { keepCase: true },
).root;

describe('grpc serve without fixtures: generated messages', async () => {
  const mock = await startMock();
  const client = echoClient(mock.address);
  after(() => client.close());

  it('unary: one reply with every field set, deterministically', async () => {
    const first = await unary(client, 'Unary', { text: 'anything' });
    const second = await unary(client, 'Unary', {});
    assert.deepEqual(first, second);
    const request = first['request'] as Record<string, unknown>;
    assert.equal(request['text'], 'text 1');
    assert.equal(request['big_number'], '1');
    assert.equal(request['mood'], 'HAPPY', 'the first enum value that is not the zero default');
    assert.deepEqual(request['tags'], ['tags 1']);
    assert.deepEqual(request['counts'], { 'key 1': 1 });
    assert.deepEqual(request['inner'], { label: 'label 1', values: [1] });
    assert.equal(request['flag'], true);
    assert.equal(request['ratio'], 1.5);
    assert.equal(Buffer.from(request['blob'] as string, 'base64').toString(), 'blob 1');
    assert.equal(request['name'], 'name 1', "a oneof's first member");
    assert.equal(request['number'], undefined, 'only one member of a oneof is set');
    assert.equal(first['index'], 1);
    await mock.cli.waitFor('stderr', new RegExp(`^#1 127\\.0\\.0\\.1:\\d+ ${ECHO_SERVICE}/Unary unary: 0 OK \\(1 in, 1 out, [\\d.]+ ms; generated\\)$`, 'm'));
  });

  it('server streaming: a stream of three, numbered', async () => {
    const { replies, status } = await collect(client.ServerStream({ text: 'x' }));
    assert.equal(status.code, grpc.status.OK);
    assert.deepEqual(
      replies.map((reply) => reply['index']),
      [1, 2, 3],
    );
    assert.deepEqual(
      replies.map((reply) => (reply['request'] as Record<string, unknown>)['text']),
      ['text 1', 'text 2', 'text 3'],
    );
  });

  it('client streaming: one reply once the client is done', async () => {
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const call = client.ClientStream((error, value) => (error ? reject(error) : resolve(value)));
      call.write({ text: 'a' });
      call.write({ text: 'b' });
      call.end();
    });
    assert.equal(reply['index'], 1);
    await mock.cli.waitFor('stderr', new RegExp(`${ECHO_SERVICE}/ClientStream client-streaming: 0 OK \\(2 in, 1 out`));
  });

  it('bidi: one reply per request, each as its request arrives', async () => {
    const call = client.Bidi();
    const done = collect(call);
    const replies: number[] = [];
    call.on('data', (reply: Record<string, unknown>) => replies.push(reply['index'] as number));
    call.write({ text: 'one' });
    await waitUntil(() => replies.length === 1);
    call.write({ text: 'two' });
    await waitUntil(() => replies.length === 2);
    call.end();
    const { status } = await done;
    assert.equal(status.code, grpc.status.OK);
    assert.deepEqual(replies, [1, 2]);
  });

  it("wscope's own client finds the schema through the mock's reflection: grpc list, grpc call", async () => {
    const listed = await runCli(['grpc', 'list', mock.address, '--plaintext'], undefined, { timeoutMs: 15_000 });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(listed.stdout.trim().split('\n'), [ECHO_SERVICE]);
    const called = await runCli(['grpc', 'call', mock.address, `${ECHO_SERVICE}/ServerStream`, '--plaintext', '-d', '{}'], undefined, { timeoutMs: 15_000 });
    assert.equal(called.code, 0, called.stderr);
    const replies = called.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { index: number; request: { bigNumber: string } });
    assert.deepEqual(
      replies.map((reply) => reply.index),
      [1, 2, 3],
    );
    assert.equal(replies[0]!.request.bigNumber, '1', 'proto3 JSON names');
  });

  it('answers reflection (v1 and v1alpha) with the served files', async () => {
    for (const version of ['v1', 'v1alpha']) {
      const listed = await reflectionList(mock.address, version);
      assert.ok(listed.includes(ECHO_SERVICE), `${version}: ${listed.join(', ')}`);
    }
  });
});

describe('grpc serve --mocks', async () => {
  const mocks = join(dir.path, 'mocks.yaml');
  writeFileSync(mocks, MOCKS);
  const mock = await startMock(['--mocks', mocks]);
  const client = echoClient(mock.address);
  after(() => client.close());

  it('unary: the first rule whose match holds answers; else the next rule, a status', async () => {
    const reply = await unary(client, 'Unary', { text: 'bob', tags: ['extra fields do not matter'] });
    assert.deepEqual(reply['texts'], ['hello bob']);
    assert.equal(reply['index'], 7);
    const error = await unary(client, 'Unary', { text: 'alice' }).then(
      () => assert.fail('expected NOT_FOUND'),
      (e: grpc.ServiceError) => e,
    );
    assert.equal(error.code, grpc.status.NOT_FOUND);
    assert.equal(error.details, 'no such user');
    await mock.cli.waitFor('stderr', new RegExp(`${ECHO_SERVICE}/Unary unary: 0 OK \\(1 in, 1 out, [\\d.]+ ms; ${escapeRegExp(mocks)}:3:7\\)`));
    await mock.cli.waitFor(
      'stderr',
      new RegExp(`${ECHO_SERVICE}/Unary unary: 5 NOT_FOUND "no such user" \\(1 in, 0 out, [\\d.]+ ms; ${escapeRegExp(mocks)}:5:7\\)`),
    );
  });

  it('server streaming: the fixture replies, a delay before each, then the status', async () => {
    const started = Date.now();
    const { replies, status } = await collect(client.ServerStream({}));
    assert.ok(Date.now() - started >= 290, `took ${Date.now() - started} ms`);
    assert.deepEqual(
      replies.map((reply) => reply['index']),
      [1, 2],
    );
    assert.equal(status.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(status.details, 'out of replies');
  });

  it('bidi: the fixture replies answer each request', async () => {
    const call = client.Bidi();
    const done = collect(call);
    call.write({ text: 'one' });
    call.write({ text: 'two' });
    call.end();
    const { replies, status } = await done;
    assert.equal(status.code, grpc.status.OK);
    assert.deepEqual(
      replies.map((reply) => (reply['texts'] as string[])[0]),
      ['first', 'second', 'first', 'second'],
    );
  });

  it('an error status with its code, message and google.rpc details in grpc-status-details-bin', async () => {
    const error = await unary(client, 'Fail', {}).then(
      () => assert.fail('expected FAILED_PRECONDITION'),
      (e: grpc.ServiceError) => e,
    );
    assert.equal(error.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(error.details, 'the order is closed');
    const [bin] = error.metadata.get('grpc-status-details-bin');
    assert.ok(Buffer.isBuffer(bin), 'the details trailer is there');
    const status = RPC.lookupType('google.rpc.Status').toObject(RPC.lookupType('google.rpc.Status').decode(bin)) as {
      code: number;
      message: string;
      details: Array<{ type_url: string; value: Uint8Array }>;
    };
    assert.equal(status.code, 9);
    assert.equal(status.message, 'the order is closed');
    assert.deepEqual(
      status.details.map((detail) => detail.type_url),
      ['type.googleapis.com/google.rpc.ErrorInfo', 'type.googleapis.com/google.rpc.BadRequest'],
    );
    const info = RPC.lookupType('google.rpc.ErrorInfo');
    assert.deepEqual(info.toObject(info.decode(status.details[0]!.value)), { reason: 'ORDER_CLOSED', domain: 'shop.example', metadata: { order: '42' } });
    const bad = RPC.lookupType('google.rpc.BadRequest');
    assert.deepEqual(bad.toObject(bad.decode(status.details[1]!.value)), { field_violations: [{ field: 'id', description: 'closed' }] });
  });

  it('a method the file does not name still answers, with generated messages', async () => {
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const call = client.ClientStream((error, value) => (error ? reject(error) : resolve(value)));
      call.end();
    });
    assert.equal(reply['index'], 1);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The services a reflection call (`list_services`) names, through grpc-js with hand-written serializers: no wscope code involved. */
async function reflectionList(address: string, version: string): Promise<string[]> {
  const root = protobuf.parse(
    `syntax = "proto3"; package r;
message Request { string host = 1; oneof message_request { string list_services = 7; } }
message ServiceResponse { string name = 1; }
message ListServiceResponse { repeated ServiceResponse service = 1; }
message ErrorResponse { int32 error_code = 1; string error_message = 2; }
message Response { string valid_host = 1; oneof message_response { ListServiceResponse list_services_response = 6; ErrorResponse error_response = 7; } }`,
    { keepCase: true },
  ).root;
  const request = root.lookupType('r.Request');
  const response = root.lookupType('r.Response');
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    const call = client.makeBidiStreamRequest(
      `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
      (value: Record<string, unknown>) => Buffer.from(request.encode(request.fromObject(value)).finish()),
      (bytes: Buffer) => response.toObject(response.decode(bytes)) as { list_services_response?: { service: Array<{ name: string }> } },
    );
    const answer = new Promise<string[]>((resolve, reject) => {
      call.on('data', (value: { list_services_response?: { service: Array<{ name: string }> } }) =>
        resolve((value.list_services_response?.service ?? []).map((service) => service.name)),
      );
      call.on('error', reject);
    });
    call.write({ list_services: '*' });
    const names = await answer;
    call.end();
    return names;
  } finally {
    client.close();
  }
}
