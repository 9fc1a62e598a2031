/** `wscope grpc list` from schema files: --proto with --import-path, and protoc's protoset. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { killAll, runCli, tempDir } from '../cli/helpers.js';
import { compileProtoset, ECHO_PROTO, ECHO_SERVICE, PROTO_DIR, PROTO_FLAGS } from './protos.js';

const METHODS = ['Unary', 'ServerStream', 'ClientStream', 'Bidi', 'Fail', 'Slow'].map((name) => `${ECHO_SERVICE}.${name}`);

describe('grpc list from schema files', () => {
  const dir = tempDir();
  after(() => {
    killAll();
    dir.remove();
  });

  it('lists the services of a .proto found in an import path, one a line', async () => {
    const result = await runCli(['grpc', 'list', ...PROTO_FLAGS], undefined);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.deepEqual(result.stdout.split('\n'), [ECHO_SERVICE, '']);
  });

  it("lists a service's methods in declaration order", async () => {
    const result = await runCli(['grpc', 'list', ...PROTO_FLAGS, ECHO_SERVICE], undefined);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), METHODS);
  });

  it('reads the same schema from the protoset protoc writes', async () => {
    const protoset = compileProtoset(dir.path);
    const services = await runCli(['grpc', 'list', '--protoset', protoset], undefined);
    assert.equal(services.code, 0, services.stderr);
    assert.deepEqual(services.stdout.trim().split('\n'), [ECHO_SERVICE]);
    const methods = await runCli(['grpc', 'list', '--protoset', protoset, ECHO_SERVICE], undefined);
    assert.deepEqual(methods.stdout.trim().split('\n'), METHODS);
  });

  it('a missing .proto, a missing import and a file that is not a protoset: one line, exit 12', async () => {
    const missing = await runCli(['grpc', 'list', '--proto', join(dir.path, 'nope.proto')], undefined);
    assert.equal(missing.code, 12);
    assert.match(missing.stderr, /^error: cannot read .*nope\.proto: no such file\n$/);

    const importer = join(dir.path, 'importer.proto');
    writeFileSync(importer, 'syntax = "proto3";\nimport "absent/thing.proto";\nmessage A { int32 a = 1; }\n');
    const noImport = await runCli(['grpc', 'list', '--proto', 'importer.proto', '-I', dir.path], undefined);
    assert.equal(noImport.code, 12);
    assert.match(noImport.stderr, /^error: cannot read absent\/thing\.proto \(imported by .*importer\.proto\): not found in .*\n$/);

    const notProtoset = await runCli(['grpc', 'list', '--protoset', join(PROTO_DIR, ECHO_PROTO)], undefined);
    assert.equal(notProtoset.code, 12);
    assert.match(notProtoset.stderr, /^error: --protoset .*echo\.proto: not a FileDescriptorSet .*\n$/);
  });

  it('a .proto that does not parse names the file and line, exit 12', async () => {
    const broken = join(dir.path, 'broken.proto');
    writeFileSync(broken, 'syntax = "proto3";\nmessage A {\n  int32 a = ;\n}\n');
    const result = await runCli(['grpc', 'list', '--proto', broken], undefined);
    assert.equal(result.code, 12);
    assert.match(result.stderr, /^error: .*broken\.proto.*line 3.*\n$/);
  });

  it('an unknown service and a missing address are usage errors (exit 2)', async () => {
    const unknown = await runCli(['grpc', 'list', ...PROTO_FLAGS, 'wscope.test.v1.Nope'], undefined);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, `error: service 'wscope.test.v1.Nope' is not defined (services: ${ECHO_SERVICE})\n`);
    const noAddress = await runCli(['grpc', 'list'], undefined);
    assert.equal(noAddress.code, 2);
    assert.match(noAddress.stderr, /^error: a server address HOST:PORT is needed/);
  });
});
