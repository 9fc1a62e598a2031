/**
 * `wscope grpc call HOST:PORT pkg.Service/Method`: requests from `-d JSON` or, with `-d @`,
 * from stdin as they arrive; each response printed when it comes (indented at a terminal, one
 * JSON a line in a pipe); the status at the end, with its meaning and decoded details. Exit 0
 * for OK, 64 + N for status N, 3 (5 for TLS) when no connection was made.
 */
import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';
import type protobuf from 'protobufjs';
import {
  decodeStatusDetails,
  formatStatus,
  GrpcCall,
  type GrpcCallResult,
  type GrpcDescriptors,
  GrpcJsonCodec,
  GrpcJsonError,
  findMethod,
  googleRpcRoot,
  methodKind,
  openClient,
  statusMeaning,
} from '../../grpc/index.js';
import { ExitCode, exitCodeForGrpcStatus } from '../exit-codes.js';
import { connectionOptions, type GrpcConnectionSettings } from './connection-flags.js';
import { JsonObjectSplitter, JsonValueError, parseJsonObjects } from './json-values.js';
import { metadataLines, metadataOf } from './metadata.js';
import { reportConnectionProblem } from './schema-source.js';

export interface CallSettings {
  target: string;
  method: string;
  /** `-d`: JSON text, or '@' for stdin; undefined: an empty request (none for a client stream). */
  data?: string;
  connection: GrpcConnectionSettings;
  verbose: boolean;
  emitDefaults: boolean;
}

export interface CallIo {
  stdin: Readable;
  out(text: string): void;
  err(text: string): void;
  /** Pretty (indented) output: stdout is a terminal. */
  pretty: boolean;
}

export function codecFor(descriptors: GrpcDescriptors): GrpcJsonCodec {
  return new GrpcJsonCodec([descriptors.root, googleRpcRoot()]);
}

/** `--template`: an example request with every field. */
export function printTemplate(descriptors: GrpcDescriptors, methodName: string, io: Pick<CallIo, 'out'>): ExitCode {
  const method = findMethod(descriptors.root, methodName);
  const type = method.resolvedRequestType;
  if (!type) throw new Error(`${methodName}: the request type is not resolved`);
  io.out(`${JSON.stringify(codecFor(descriptors).template(type), null, 2)}\n`);
  return ExitCode.Normal;
}

export async function runCall(settings: CallSettings, descriptors: GrpcDescriptors, io: CallIo): Promise<ExitCode> {
  const method = findMethod(descriptors.root, settings.method);
  const codec = codecFor(descriptors);
  // Requests given inline are checked against the type before any connection is made.
  const inline = settings.data === undefined || settings.data === '@' ? undefined : inlineRequests(settings.data);
  if (inline) checkInline(inline, method, codec);
  const client = openClient(connectionOptions(settings.target, settings.connection));
  const deadline = settings.connection.deadline;
  const call = new GrpcCall(client, method, codec, {
    metadata: metadataOf(settings.connection.metadata),
    ...(deadline === undefined ? {} : { deadline: Date.now() + deadline * 1000 }),
    json: { emitDefaults: settings.emitDefaults },
  });
  if (settings.verbose) {
    io.err(`calling ${call.path} (${call.kind}) on ${settings.target}\n`);
    call.on('headers', (headers) => io.err(['response headers:', ...metadataLines(headers).map((line) => `  ${line}`), ''].join('\n')));
  }
  call.on('response', (json) => io.out(`${io.pretty ? JSON.stringify(json, null, 2) : JSON.stringify(json)}\n`));

  let inputProblem: string | undefined;
  const send = (json: unknown) => {
    try {
      call.send(json);
    } catch (error) {
      inputProblem ??= error instanceof GrpcJsonError || error instanceof JsonValueError ? error.message : (error as Error).message;
      call.cancel();
    }
  };
  if (inline) {
    for (const json of inline) send(json);
    call.end();
  } else if (settings.data === '@') {
    void streamStdin(io.stdin, call, send, (problem) => {
      inputProblem ??= problem;
      call.cancel();
    });
  } else {
    if (!call.clientStreams) send({});
    call.end();
  }

  const result = await call.result;
  client.close();
  if (inputProblem !== undefined) {
    io.err(`error: ${inputProblem}\n`);
    return ExitCode.Usage;
  }
  return reportStatus(settings, result, codec, io);
}

function inlineRequests(data: string): unknown[] {
  try {
    return parseJsonObjects(data);
  } catch (error) {
    if (error instanceof JsonValueError) throw new GrpcJsonError('', `-d: ${error.message}`);
    throw error;
  }
}

/** As many requests as the method's kind takes, each fitting the request type. */
function checkInline(requests: unknown[], method: protobuf.Method, codec: GrpcJsonCodec): void {
  const kind = methodKind(method);
  if (!method.requestStream && requests.length !== 1)
    throw new GrpcJsonError('', `-d: ${method.name} is ${kind} and takes one request message, not ${requests.length}`);
  const type = method.resolvedRequestType;
  requests.forEach((json, i) => {
    try {
      if (type) codec.encodeJson(type, json);
    } catch (error) {
      if (error instanceof GrpcJsonError && requests.length > 1) throw new GrpcJsonError('', `-d message ${i + 1}: ${error.message}`);
      throw error;
    }
  });
}

/** Read stdin to its end, sending each object as soon as it is complete. */
async function streamStdin(stdin: Readable, call: GrpcCall, send: (json: unknown) => void, fail: (problem: string) => void): Promise<void> {
  const splitter = new JsonObjectSplitter();
  const onEnd = () => stdin.destroy();
  call.once('end', onEnd);
  stdin.setEncoding('utf8');
  try {
    for await (const chunk of stdin) {
      for (const json of splitter.push(chunk as string)) {
        if (!call.clientStreams && call.requestCount === 1) return fail(`${call.method.name} is ${call.kind} and takes one request message: stdin holds more`);
        send(json);
      }
    }
    splitter.end();
  } catch (error) {
    if (error instanceof JsonValueError) return fail(`stdin: ${error.message}`);
    return;
  } finally {
    call.off('end', onEnd);
  }
  if (!call.clientStreams && call.requestCount === 0) return fail(`${call.method.name} is ${call.kind}: stdin held no request message`);
  call.end();
}

function reportStatus(settings: CallSettings, result: GrpcCallResult, codec: GrpcJsonCodec, io: CallIo): ExitCode {
  if (result.headers === undefined) {
    const connection = reportConnectionProblem(settings.target, result.code, result.details);
    if (connection !== undefined) return connection;
  }
  const trailers = metadataLines(result.trailers).filter((line) => !line.startsWith('grpc-status-details-bin:'));
  if (settings.verbose) io.err(['response trailers:', ...trailers.map((line) => `  ${line}`), ''].join('\n'));
  if (result.code === 0) {
    if (settings.verbose) io.err('status: 0 OK\n');
    return ExitCode.Normal;
  }
  const lines = [`error: ${formatStatus(result.code, result.details)} (${statusMeaning(result.code)})`];
  const detailsBin = result.trailers.get('grpc-status-details-bin')[0];
  if (Buffer.isBuffer(detailsBin)) {
    const status = decodeStatusDetails(detailsBin, codec);
    if (status === undefined) lines.push('  details: grpc-status-details-bin is not a google.rpc.Status');
    else for (const detail of status.details) lines.push(`  details: ${JSON.stringify(detail)}`);
  }
  io.err(`${lines.join('\n')}\n`);
  return exitCodeForGrpcStatus(result.code);
}
