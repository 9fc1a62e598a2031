/** The test service's .proto files, and the same schema compiled by protoc (python3 -m grpc_tools.protoc) into a protoset or Python modules. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../cli/helpers.js';

/** The import path the test service's files live under. */
export const PROTO_DIR = join(ROOT, 'test', 'grpc', 'fixtures', 'proto');
/** The service's file, relative to PROTO_DIR (imports wscope/test/v1/types.proto). */
export const ECHO_PROTO = 'wscope/test/v1/echo.proto';
export const ECHO_SERVICE = 'wscope.test.v1.Echo';
/** The flags that load the test schema from its .proto files. */
export const PROTO_FLAGS = ['--proto', ECHO_PROTO, '--import-path', PROTO_DIR];

/** protoc's FileDescriptorSet of the test service and everything it imports, written to `dir`. */
export function compileProtoset(dir: string): string {
  const out = join(dir, 'echo.protoset');
  execFileSync('/usr/bin/python3', ['-m', 'grpc_tools.protoc', '-I', PROTO_DIR, '--include_imports', `--descriptor_set_out=${out}`, ECHO_PROTO], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 30_000,
  });
  return out;
}
