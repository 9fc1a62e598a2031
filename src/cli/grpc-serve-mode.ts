/**
 * `wscope grpc serve`: load the schema and the fixtures, serve the mock, and log one line on
 * stderr per call as it ends — its method, kind, status and where the answer came from — until
 * Ctrl-C (or SIGTERM) stops it.
 */
import { Buffer } from 'node:buffer';
import { ServerCredentials } from '@grpc/grpc-js';
import { type Fixtures, GrpcMockServer, type GrpcMockCallReport, GrpcMocksFileError, loadFixtures } from '../grpc/mock/index.js';
import type { GrpcServeSettings } from './commands/grpc-serve.js';
import { ExitCode } from './exit-codes.js';
import { codecFor } from './grpc/call-mode.js';
import { loadSchemaFiles } from './grpc/schema-source.js';
import { BadFileError, readTextFile } from './recording-file.js';

export async function runGrpcServe(settings: GrpcServeSettings): Promise<ExitCode> {
  const descriptors = loadSchemaFiles(settings.schema);
  const codec = codecFor(descriptors);
  let fixtures: Fixtures = new Map();
  let credentials = ServerCredentials.createInsecure();
  try {
    if (settings.mocks !== undefined) fixtures = loadFixtures(settings.mocks, descriptors.root, codec);
    if (settings.tls) {
      const cert = Buffer.from(readTextFile(settings.tls.cert));
      const key = Buffer.from(readTextFile(settings.tls.key));
      credentials = ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }], false);
    }
  } catch (error) {
    if (!(error instanceof GrpcMocksFileError || error instanceof BadFileError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return ExitCode.BadFile;
  }

  let calls = 0;
  const mock = new GrpcMockServer({ descriptors, codec, fixtures, onCall: (call) => process.stderr.write(`${callLine(++calls, call)}\n`) });
  let port: number;
  try {
    port = await mock.listen(settings.host, settings.port, credentials);
  } catch (error) {
    process.stderr.write(`error: cannot listen on ${settings.host} port ${settings.port}: ${(error as Error).message}\n`);
    return ExitCode.ListenFailed;
  }
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const interactive = Boolean(process.stderr.isTTY);
  process.stderr.write(
    `mock gRPC server for ${descriptors.source} on ${host}:${port} (${settings.tls ? 'TLS' : 'plaintext'}, reflection on)${interactive ? ' (press Ctrl-C to quit)' : ''}\n`,
  );
  for (const method of mock.methods) {
    const rules = fixtures.get(method.path);
    const answers = rules ? `${rules.length} fixture${rules.length === 1 ? '' : 's'}` : 'generated';
    process.stderr.write(`  ${method.path.slice(1)}  ${method.kind}, ${answers}\n`);
  }

  return new Promise<ExitCode>((done) => {
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(ExitCode.Normal);
      stopping = true;
      void mock.close().then(() => done(ExitCode.Normal));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `#3 127.0.0.1:50122 wscope.test.v1.Echo/Unary unary: 5 NOT_FOUND "no such order" (1 in, 0 out, 2.1 ms; mocks.yaml:4:7)` */
export function callLine(id: number, call: GrpcMockCallReport): string {
  const message = call.message !== '' && call.code !== 0 ? ` ${JSON.stringify(call.message)}` : '';
  return `#${id} ${call.peer} ${call.method.slice(1)} ${call.kind}: ${call.code} ${call.name}${message} (${call.received} in, ${call.sent} out, ${call.ms} ms; ${call.source})`;
}
