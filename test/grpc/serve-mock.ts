/** `wscope grpc serve` started as a user starts it, and a @grpc/grpc-js client of the test service. */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { CliProcess } from '../cli/helpers.js';
import { ECHO_PROTO, PROTO_DIR, PROTO_FLAGS } from './protos.js';

export interface RunningMock {
  cli: CliProcess;
  address: string;
  port: number;
}

/** The mock CLI on any free port, once it says where it listens. */
export async function startMock(args: string[] = []): Promise<RunningMock> {
  const cli = new CliProcess(['grpc', 'serve', ...PROTO_FLAGS, '--port', '0', ...args]);
  const [, port] = await cli.waitFor('stderr', /mock gRPC server for .* on 127\.0\.0\.1:(\d+) /, 10_000);
  return { cli, port: Number(port), address: `127.0.0.1:${port}` };
}

/** How the test client sees messages: names as in the .proto, 64-bit integers and enums as strings. */
const CLIENT_OPTIONS: protoLoader.Options = { includeDirs: [PROTO_DIR], keepCase: true, longs: String, enums: String, bytes: String };

/** A grpc-js client of wscope.test.v1.Echo, untyped as an application loading the .proto at run time has it. */
export function echoClient(address: string, credentials = grpc.credentials.createInsecure()): EchoClient {
  const definition = grpc.loadPackageDefinition(protoLoader.loadSync(ECHO_PROTO, CLIENT_OPTIONS)) as unknown as {
    wscope: { test: { v1: { Echo: new (address: string, credentials: grpc.ChannelCredentials) => EchoClient } } };
  };
  return new definition.wscope.test.v1.Echo(address, credentials);
}

type Reply = Record<string, unknown>;
type Callback = (error: grpc.ServiceError | null, reply: Reply) => void;

export interface EchoClient extends grpc.Client {
  Unary(request: Reply, metadata: grpc.Metadata, callback: Callback): grpc.ClientUnaryCall;
  Unary(request: Reply, callback: Callback): grpc.ClientUnaryCall;
  Fail(request: Reply, callback: Callback): grpc.ClientUnaryCall;
  ServerStream(request: Reply): grpc.ClientReadableStream<Reply>;
  ClientStream(callback: Callback): grpc.ClientWritableStream<Reply>;
  Bidi(): grpc.ClientDuplexStream<Reply, Reply>;
}

export function unary(client: EchoClient, method: 'Unary' | 'Fail', request: Reply, metadata = new grpc.Metadata()): Promise<Reply> {
  return new Promise((resolve, reject) => {
    if (method === 'Unary') client.Unary(request, metadata, (error, reply) => (error ? reject(error) : resolve(reply)));
    else client.Fail(request, (error, reply) => (error ? reject(error) : resolve(reply)));
  });
}

/** Every message of a stream, and the status it ended with. */
export function collect(
  stream: grpc.ClientReadableStream<Reply> | grpc.ClientDuplexStream<Reply, Reply>,
): Promise<{ replies: Reply[]; status: grpc.StatusObject }> {
  const replies: Reply[] = [];
  stream.on('data', (reply: Reply) => replies.push(reply));
  stream.on('error', () => {});
  return new Promise((resolve) => stream.on('status', (status: grpc.StatusObject) => resolve({ replies, status })));
}
