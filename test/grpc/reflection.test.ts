/**
 * list, describe and --template through server reflection (@grpc/grpc-js with @grpc/reflection):
 * v1, and v1alpha alone as older servers have it; TLS by default, --ca, -n, --plaintext.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { killAll, runCli, tempDir } from '../cli/helpers.js';
import { selfSigned } from '../node/helpers.js';
import { compileProtoset, ECHO_SERVICE, PROTO_FLAGS } from './protos.js';
import { grpcJsServer, pythonServer, type TestServer } from './servers.js';

const ECHO_DESCRIPTION = `${ECHO_SERVICE} is a service:
service Echo {
  rpc Unary ( .wscope.test.v1.EchoRequest ) returns ( .wscope.test.v1.EchoReply );
  rpc ServerStream ( .wscope.test.v1.StreamRequest ) returns ( stream .wscope.test.v1.EchoReply );
  rpc ClientStream ( stream .wscope.test.v1.EchoRequest ) returns ( .wscope.test.v1.EchoReply );
  rpc Bidi ( stream .wscope.test.v1.EchoRequest ) returns ( stream .wscope.test.v1.EchoReply );
  rpc Fail ( .wscope.test.v1.FailRequest ) returns ( .wscope.test.v1.EchoReply );
  rpc Slow ( .wscope.test.v1.SlowRequest ) returns ( .wscope.test.v1.EchoReply );
}
`;

const REQUEST_DESCRIPTION = `wscope.test.v1.EchoRequest is a message:
message EchoRequest {
  string text = 1;
  int64 big_number = 2;
  bytes blob = 3;
  .wscope.test.v1.Mood mood = 4;
  repeated string tags = 5;
  map<string, int32> counts = 6;
  .wscope.test.v1.Inner inner = 7;
  .google.protobuf.Timestamp at = 8;
  .google.protobuf.Duration wait = 9;
  .google.protobuf.Struct extra = 10;
  double ratio = 11;
  bool flag = 12;
  oneof choice {
    string name = 13;
    uint32 number = 14;
  }
}
`;

const TEMPLATE = {
  text: '',
  bigNumber: '0',
  blob: '',
  mood: 'MOOD_UNSPECIFIED',
  tags: [''],
  counts: { key: 0 },
  inner: { label: '', values: [0] },
  at: '1970-01-01T00:00:00Z',
  wait: '0s',
  extra: {},
  ratio: 0,
  flag: false,
  name: '',
};

describe('grpc list / describe / --template over reflection', () => {
  const servers: TestServer[] = [];
  const dir = tempDir();
  let v1: TestServer;
  let v1alpha: TestServer;
  before(async () => {
    v1 = await grpcJsServer();
    v1alpha = await grpcJsServer({ reflection: 'v1alpha' });
    servers.push(v1, v1alpha);
  });
  after(async () => {
    killAll();
    for (const server of servers) await server.close();
    dir.remove();
  });

  for (const [name, server] of [
    ['v1', () => v1],
    ['v1alpha only', () => v1alpha],
  ] as const) {
    it(`${name}: list, list SERVICE, describe a service and a message`, async () => {
      const address = server().address;
      const services = await runCli(['grpc', 'list', address, '--plaintext'], undefined);
      assert.equal(services.code, 0, services.stderr);
      assert.deepEqual(services.stdout.trim().split('\n'), [ECHO_SERVICE]);
      const methods = await runCli(['grpc', 'list', address, ECHO_SERVICE, '--plaintext'], undefined);
      assert.equal(methods.stdout.split('\n')[3], `${ECHO_SERVICE}.Bidi`);
      const service = await runCli(['grpc', 'describe', address, ECHO_SERVICE, '--plaintext'], undefined);
      assert.equal(service.code, 0, service.stderr);
      assert.equal(service.stdout, ECHO_DESCRIPTION);
      const message = await runCli(['grpc', 'describe', address, 'wscope.test.v1.EchoRequest', '--plaintext'], undefined);
      assert.equal(message.stdout, REQUEST_DESCRIPTION);
    });
  }

  it('describe reads the same from --proto and from protoc’s protoset', async () => {
    const fromProto = await runCli(['grpc', 'describe', ...PROTO_FLAGS, 'wscope.test.v1.EchoRequest'], undefined);
    assert.equal(fromProto.stdout, REQUEST_DESCRIPTION);
    const fromProtoset = await runCli(['grpc', 'describe', '--protoset', compileProtoset(dir.path), 'wscope.test.v1.EchoRequest'], undefined);
    assert.equal(fromProtoset.stdout, REQUEST_DESCRIPTION);
    const method = await runCli(['grpc', 'describe', ...PROTO_FLAGS, `${ECHO_SERVICE}.Bidi`], undefined);
    assert.equal(
      method.stdout,
      `${ECHO_SERVICE}.Bidi is a method:\nrpc Bidi ( stream .wscope.test.v1.EchoRequest ) returns ( stream .wscope.test.v1.EchoReply );\n`,
    );
    const mood = await runCli(['grpc', 'describe', ...PROTO_FLAGS, 'wscope.test.v1.Mood'], undefined);
    assert.equal(mood.stdout, 'wscope.test.v1.Mood is an enum:\nenum Mood {\n  MOOD_UNSPECIFIED = 0;\n  HAPPY = 1;\n  GRUMPY = 2;\n}\n');
  });

  it('--template prints a request with every field, which the server then takes', async () => {
    const template = await runCli(['grpc', 'call', v1.address, `${ECHO_SERVICE}/Unary`, '--template', '--plaintext'], undefined);
    assert.equal(template.code, 0, template.stderr);
    assert.deepEqual(JSON.parse(template.stdout), TEMPLATE);
    const offline = await runCli(['grpc', 'call', `${ECHO_SERVICE}/Unary`, '--template', ...PROTO_FLAGS], undefined);
    assert.deepEqual(JSON.parse(offline.stdout), TEMPLATE);
    const sent = await runCli(['grpc', 'call', v1.address, `${ECHO_SERVICE}/Unary`, '--plaintext', '-d', template.stdout, '--emit-defaults'], undefined);
    assert.equal(sent.code, 0, sent.stderr);
    assert.deepEqual((JSON.parse(sent.stdout) as { request: unknown }).request, { ...TEMPLATE, counts: { key: 0 }, tags: [''] });
  });

  it('a symbol the server does not know: one line, exit 2; a server without reflection: one line naming --proto', async () => {
    const unknown = await runCli(['grpc', 'describe', v1.address, 'wscope.test.v1.Nothing', '--plaintext'], undefined);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: the server's reflection does not know 'wscope\.test\.v1\.Nothing'.*\n$/);
    const bare = await grpcJsServer({ reflection: false });
    servers.push(bare);
    const none = await runCli(['grpc', 'list', bare.address, '--plaintext'], undefined);
    assert.equal(none.code, 76);
    assert.equal(
      none.stderr,
      `error: ${bare.address} does not offer server reflection (grpc.reflection.v1 or v1alpha): give --proto FILE or --protoset FILE\n`,
    );
  });
});

describe('grpc over TLS (the default)', () => {
  const dir = tempDir();
  const certificate = selfSigned(dir.path, 'grpc', 'IP:127.0.0.1,DNS:localhost');
  const caFile = `${dir.path}/grpc.pem`;
  const servers: TestServer[] = [];
  after(async () => {
    killAll();
    for (const server of servers) await server.close();
    dir.remove();
  });

  it('grpc-js: an untrusted certificate fails with exit 5; --ca and -n get through; --plaintext to TLS does not', async () => {
    const server = await grpcJsServer({ tls: certificate });
    servers.push(server);
    const untrusted = await runCli(['grpc', 'list', server.address], undefined);
    assert.equal(untrusted.code, 5, untrusted.stderr);
    assert.match(untrusted.stderr, /^error: TLS failed with 127\.0\.0\.1:\d+: self-signed certificate \(--plaintext .*\)\n$/);
    const trusted = await runCli(['grpc', 'call', server.address, `${ECHO_SERVICE}/Unary`, '--ca', caFile, '-d', '{"text":"tls"}'], undefined);
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.deepEqual(JSON.parse(trusted.stdout), { request: { text: 'tls' } });
    const insecure = await runCli(['grpc', 'list', server.address, '-n'], undefined);
    assert.equal(insecure.code, 0, insecure.stderr);
    assert.equal(insecure.stdout, `${ECHO_SERVICE}\n`);
    const named = await runCli(['grpc', 'list', server.address, '--ca', caFile, '--authority', 'localhost'], undefined);
    assert.equal(named.code, 0, named.stderr);
    const wrongName = await runCli(['grpc', 'list', server.address, '--ca', caFile, '--authority', 'elsewhere.test'], undefined);
    assert.equal(wrongName.code, 5, wrongName.stderr);
    const plaintext = await runCli(['grpc', 'list', server.address, '--plaintext', '--deadline', '3'], undefined);
    assert.notEqual(plaintext.code, 0);
    assert.equal(plaintext.stderr.trimEnd().split('\n').length, 1, plaintext.stderr);
  });

  it('Python grpcio over TLS with --ca and --proto', async () => {
    const server = await pythonServer({ tls: certificate });
    servers.push(server);
    const result = await runCli(
      ['grpc', 'call', server.address, `${ECHO_SERVICE}/ServerStream`, '--ca', caFile, ...PROTO_FLAGS, '-d', '{"text":"s","count":2}'],
      undefined,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
      [{ request: { text: 's 0' } }, { request: { text: 's 1' }, index: 1 }],
    );
  });
});
