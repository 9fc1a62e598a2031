/**
 * `wscope grpc serve` called by Python's grpcio (Debian python3-grpcio), with stubs compiled from
 * the same .proto files by grpc_tools.protoc at test time: all four kinds of method and a fixture
 * error status, as a Python client of the real service would see them.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { killAll, tempDir } from '../cli/helpers.js';
import { ECHO_PROTO, ECHO_SERVICE, PROTO_DIR } from './protos.js';
import { startMock } from './serve-mock.js';

const dir = tempDir();
after(() => {
  killAll();
  dir.remove();
});

const CLIENT = `
import json, sys
import grpc
from google.protobuf import json_format
from wscope.test.v1 import echo_pb2_grpc, types_pb2

def show(kind, message):
    print(json.dumps({"kind": kind, "message": json_format.MessageToDict(message)}), flush=True)

with grpc.insecure_channel(sys.argv[1]) as channel:
    echo = echo_pb2_grpc.EchoStub(channel)
    show("unary", echo.Unary(types_pb2.EchoRequest(text="py")))
    for reply in echo.ServerStream(types_pb2.StreamRequest(count=2)):
        show("server-streaming", reply)
    show("client-streaming", echo.ClientStream(iter([types_pb2.EchoRequest(text="a"), types_pb2.EchoRequest(text="b")])))
    for reply in echo.Bidi(iter([types_pb2.EchoRequest(text="x"), types_pb2.EchoRequest(text="y")])):
        show("bidi-streaming", reply)
    try:
        echo.Fail(types_pb2.FailRequest())
    except grpc.RpcError as error:
        print(json.dumps({"kind": "error", "code": error.code().name, "details": error.details()}), flush=True)
`;

test('a Python grpcio client calls every kind of method on the mock and gets the fixture error', async () => {
  execFileSync(
    '/usr/bin/python3',
    ['-m', 'grpc_tools.protoc', '-I', PROTO_DIR, `--python_out=${dir.path}`, `--grpc_python_out=${dir.path}`, ECHO_PROTO, 'wscope/test/v1/types.proto'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 30_000,
    },
  );
  const script = join(dir.path, 'client.py');
  writeFileSync(script, CLIENT);
  const mocks = join(dir.path, 'mocks.yaml');
  writeFileSync(
    mocks,
    `methods:\n  ${ECHO_SERVICE}/Unary: { response: { texts: [from the mock] } }\n  ${ECHO_SERVICE}/Fail: { status: { code: PERMISSION_DENIED, message: not yours } }\n`,
  );
  const mock = await startMock(['--mocks', mocks]);

  const lines = await runPython(script, mock.address);
  const byKind = (kind: string) => lines.filter((line) => line['kind'] === kind).map((line) => line['message'] as Record<string, unknown>);
  assert.deepEqual(byKind('unary'), [{ texts: ['from the mock'] }]);
  // Python's JSON mapping writes the proto3 JSON names: bigNumber, an int64 as a string.
  const streamed = byKind('server-streaming');
  assert.deepEqual(
    streamed.map((reply) => reply['index']),
    [1, 2, 3],
  );
  assert.equal((streamed[0]!['request'] as Record<string, unknown>)['bigNumber'], '1');
  assert.equal(byKind('client-streaming').length, 1);
  assert.deepEqual(
    byKind('bidi-streaming').map((reply) => reply['index']),
    [1, 2],
  );
  assert.deepEqual(
    lines.find((line) => line['kind'] === 'error'),
    { kind: 'error', code: 'PERMISSION_DENIED', details: 'not yours' },
  );
  await mock.cli.waitFor('stderr', new RegExp(`${ECHO_SERVICE}/Fail unary: 7 PERMISSION_DENIED "not yours"`));
});

function runPython(script: string, address: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [script, address], { cwd: dir.path, env: { ...process.env, PYTHONPATH: dir.path } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`python exited ${code}: ${stderr}`));
      else
        resolve(
          stdout
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as Record<string, unknown>),
        );
    });
  });
}
