/**
 * packageDefinitionOf: the schema from any source as the PackageDefinition @grpc/grpc-js serves
 * and @grpc/reflection describes (what `grpc serve` builds on), checked by serving it and asking
 * the CLI.
 */
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { loadProtoFiles, packageDefinitionOf } from '../../src/grpc/index.js';
import { killAll, runCli } from '../cli/helpers.js';
import { ECHO_PROTO, ECHO_SERVICE, PROTO_DIR } from './protos.js';

after(killAll);

it('a schema from --proto, served by grpc-js with reflection, lists, describes and answers', async () => {
  const definition = packageDefinitionOf(loadProtoFiles([ECHO_PROTO], { importPaths: [PROTO_DIR] }), { longs: String, enums: String });
  const service = definition[ECHO_SERVICE] as grpc.ServiceDefinition;
  const server = new grpc.Server();
  server.addService(service, {
    Unary: (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>) =>
      callback(null, { request: call.request, index: 3 }),
  });
  new ReflectionService(definition).addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  try {
    const address = `127.0.0.1:${port}`;
    const described = await runCli(['grpc', 'describe', address, 'wscope.test.v1.EchoRequest', '--plaintext'], undefined);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /map<string, int32> counts = 6;/);
    const called = await runCli(
      ['grpc', 'call', address, `${ECHO_SERVICE}/Unary`, '--plaintext', '-d', '{"bigNumber":"12345678901234567","mood":"HAPPY"}'],
      undefined,
    );
    assert.equal(called.code, 0, called.stderr);
    assert.deepEqual(JSON.parse(called.stdout), { request: { bigNumber: '12345678901234567', mood: 'HAPPY' }, index: 3 });
  } finally {
    server.forceShutdown();
  }
});
