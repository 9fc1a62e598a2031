/**
 * gRPC servers that are not ours, serving the test service (fixtures/proto/wscope/test/v1/echo.proto):
 * @grpc/grpc-js with @grpc/reflection (plaintext or TLS), and Python's grpcio with modules
 * protoc compiles at test time. Both behave the same (see echo.proto): replies echo the
 * request, `x-*` request metadata comes back in the response headers and, as `x-trailer-*`, in
 * the trailers; Fail ends with the status asked for, with google.rpc details when asked; Slow
 * answers after its delay.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import protobuf from 'protobufjs';
import { ROOT } from '../cli/helpers.js';
import { ECHO_PROTO, PROTO_DIR } from './protos.js';

export interface TestServer {
  /** HOST:PORT, as the CLI takes it. */
  address: string;
  close(): Promise<void>;
}

export interface GrpcJsServerOptions {
  /** Serve TLS with this certificate (test/node/helpers.ts selfSigned). */
  tls?: { key: Buffer; cert: Buffer };
  /** Which reflection services to register: both (the default), v1alpha only (an older server), or none. */
  reflection?: 'both' | 'v1alpha' | false;
}

type Message = Record<string, unknown>;

/** Request metadata `x-*` → response headers as is, and trailers as `x-trailer-*`. */
function echoedMetadata(request: grpc.Metadata): { headers: grpc.Metadata; trailers: grpc.Metadata } {
  const headers = new grpc.Metadata();
  const trailers = new grpc.Metadata();
  for (const key of Object.keys(request.getMap())) {
    if (!key.startsWith('x-')) continue;
    for (const value of request.get(key)) {
      headers.add(key, value);
      trailers.add(key.replace(/^x-/, 'x-trailer-'), value);
    }
  }
  return { headers, trailers };
}

/**
 * google.rpc.Status with a BadRequest and an ErrorInfo in `details`, written field by field
 * from the numbers in googleapis' google/rpc/status.proto and error_details.proto (not from
 * wscope's copies, so a wrong number there shows).
 */
export function statusDetailsBytes(code: number, message: string): Buffer {
  const badRequest = protobuf.Writer.create();
  // BadRequest.field_violations = 1 { field = 1, description = 2 }
  badRequest
    .uint32((1 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string('text')
    .uint32((2 << 3) | 2)
    .string('must not be empty')
    .ldelim();
  const errorInfo = protobuf.Writer.create();
  // ErrorInfo: reason = 1, domain = 2, metadata = 3 (map<string, string>: key = 1, value = 2)
  errorInfo
    .uint32((1 << 3) | 2)
    .string('EMPTY_TEXT')
    .uint32((2 << 3) | 2)
    .string('test.wscope.dev');
  errorInfo
    .uint32((3 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string('field')
    .uint32((2 << 3) | 2)
    .string('text')
    .ldelim();
  const any = (typeUrl: string, value: Uint8Array) => {
    // google.protobuf.Any: type_url = 1, value = 2
    const writer = protobuf.Writer.create();
    return writer
      .uint32((1 << 3) | 2)
      .string(typeUrl)
      .uint32((2 << 3) | 2)
      .bytes(value)
      .finish();
  };
  // Status: code = 1, message = 2, details = 3 (repeated Any)
  const status = protobuf.Writer.create()
    .uint32((1 << 3) | 0)
    .int32(code)
    .uint32((2 << 3) | 2)
    .string(message);
  status.uint32((3 << 3) | 2).bytes(any('type.googleapis.com/google.rpc.BadRequest', badRequest.finish()));
  status.uint32((3 << 3) | 2).bytes(any('type.googleapis.com/google.rpc.ErrorInfo', errorInfo.finish()));
  return Buffer.from(status.finish());
}

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, oneofs: true, includeDirs: [PROTO_DIR] };

/** The test service on @grpc/grpc-js, with @grpc/reflection (v1 and v1alpha) unless told not to. */
export async function grpcJsServer(options: GrpcJsServerOptions = {}): Promise<TestServer> {
  const definition = protoLoader.loadSync(ECHO_PROTO, LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { wscope: { test: { v1: { Echo: grpc.ServiceClientConstructor } } } };
  const server = new grpc.Server();
  const live = new Set<NodeJS.Timeout>();
  const later = (ms: number, work: () => void) => {
    const timer = setTimeout(() => {
      live.delete(timer);
      work();
    }, ms);
    live.add(timer);
    return timer;
  };
  server.addService(loaded.wscope.test.v1.Echo.service, {
    Unary(call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) {
      const { headers, trailers } = echoedMetadata(call.metadata);
      call.sendMetadata(headers);
      callback(null, { request: call.request, index: 0 }, trailers);
    },
    ServerStream(call: grpc.ServerWritableStream<Message, Message>) {
      const { headers, trailers } = echoedMetadata(call.metadata);
      call.sendMetadata(headers);
      const count = Number(call.request['count'] ?? 0);
      const interval = Number(call.request['interval_ms'] ?? 0);
      let index = 0;
      const next = () => {
        if (call.cancelled) return;
        if (index >= count) return call.end(trailers);
        call.write({ request: { text: `${String(call.request['text'] ?? '')} ${index}` }, index });
        index += 1;
        later(interval, next);
      };
      next();
    },
    ClientStream(call: grpc.ServerReadableStream<Message, Message>, callback: grpc.sendUnaryData<Message>) {
      const { headers, trailers } = echoedMetadata(call.metadata);
      call.sendMetadata(headers);
      const texts: string[] = [];
      call.on('data', (request: Message) => texts.push(String(request['text'] ?? '')));
      call.on('end', () => callback(null, { count: texts.length, texts }, trailers));
    },
    Bidi(call: grpc.ServerDuplexStream<Message, Message>) {
      const { headers, trailers } = echoedMetadata(call.metadata);
      call.sendMetadata(headers);
      let index = 0;
      call.on('data', (request: Message) => call.write({ request, index: index++ }));
      call.on('end', () => call.end(trailers));
    },
    Fail(call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) {
      const code = Number(call.request['code'] ?? 2);
      const message = String(call.request['message'] ?? '');
      const { trailers } = echoedMetadata(call.metadata);
      if (call.request['with_details']) trailers.set('grpc-status-details-bin', statusDetailsBytes(code, message));
      callback({ code, details: message, metadata: trailers });
    },
    Slow(call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) {
      const timer = later(Number(call.request['delay_ms'] ?? 0), () => callback(null, { index: 0 }));
      call.on('cancelled', () => {
        clearTimeout(timer);
        live.delete(timer);
      });
    },
  });
  const reflection = options.reflection ?? 'both';
  if (reflection !== false) {
    const only = reflection === 'v1alpha' ? /\/grpc\.reflection\.v1alpha\./ : /./;
    new ReflectionService(definition).addToServer({
      addService: (service, implementation) => {
        if (Object.values(service).some((method) => only.test(method.path))) server.addService(service, implementation);
      },
    });
  }
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(null, [{ private_key: options.tls.key, cert_chain: options.tls.cert }], false)
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of live) clearTimeout(timer);
        server.forceShutdown();
        resolve();
      }),
  };
}

/**
 * The test service on Python's grpcio (/usr/bin/python3), its modules compiled by
 * `python3 -m grpc_tools.protoc` into a temporary directory. No reflection: Debian ships no
 * grpc_reflection module, so the CLI reads the schema from --proto.
 */
export async function pythonServer(options: { tls?: { key: Buffer; cert: Buffer } } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'wscope-grpc-py-'));
  execFileSync(
    '/usr/bin/python3',
    ['-m', 'grpc_tools.protoc', '-I', PROTO_DIR, `--python_out=${dir}`, `--grpc_python_out=${dir}`, ECHO_PROTO, 'wscope/test/v1/types.proto'],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 },
  );
  const args = [join(ROOT, 'test', 'grpc', 'fixtures', 'echo_server.py')];
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: dir, PYTHONUNBUFFERED: '1' };
  if (options.tls) {
    env['ECHO_TLS_KEY'] = options.tls.key.toString('utf8');
    env['ECHO_TLS_CERT'] = options.tls.cert.toString('utf8');
  }
  const child: ChildProcess = spawn('/usr/bin/python3', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`the Python gRPC server did not start: ${stderr}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /^port (\d+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Python gRPC server exited with ${code}: ${stderr}`));
    });
  });
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGKILL');
      }),
  };
}
