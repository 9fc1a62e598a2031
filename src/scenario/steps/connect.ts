/** `connect`: open a connection (a URL, or an object with headers, subprotocols, TLS, compression), named by `as:`. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ClientOptions, traceConnectionId, type WebSocket } from '../../index.js';
import { ScenarioConnection } from '../connection.js';
import { durationSchema } from './schemas.js';
import { parseDuration } from '../../templating/index.js';
import { defineStep, type JsonSchema, StepArgsError, type StepContext } from './step-kind.js';

interface ConnectObject {
  url: string;
  as?: string;
  headers?: Record<string, string | number | boolean>;
  subprotocols?: string[];
  compression?: boolean;
  tls?: { ca?: string; cert?: string; key?: string; passphrase?: string; insecure?: boolean; servername?: string };
  timeout?: string | number;
  /** The handshake must fail with this HTTP status (the step then checks the refusal). */
  expectStatus?: number;
}

type ConnectArgs = string | ConnectObject;

const connectObjectSchema: JsonSchema = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    url: { type: 'string', description: 'ws:// or wss:// URL' },
    as: { type: 'string', description: "the connection's name, for on: in later steps" },
    headers: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    subprotocols: { type: 'array', items: { type: 'string' } },
    compression: { type: 'boolean', description: 'offer permessage-deflate (default true)' },
    tls: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ca: { type: 'string', description: 'a CA certificate file to trust' },
        cert: { type: 'string' },
        key: { type: 'string' },
        passphrase: { type: 'string' },
        insecure: { type: 'boolean', description: 'do not check the server certificate' },
        servername: { type: 'string' },
      },
    },
    timeout: { ...(durationSchema as object), description: 'how long the handshake may take (default 10s): a duration, 500ms, 2s; a number is seconds' },
    expectStatus: { type: 'integer', minimum: 100, maximum: 599, description: 'the server must refuse the upgrade with this HTTP status' },
  },
};

export const connectStep = defineStep<ConnectArgs>({
  name: 'connect',
  summary: 'open a connection: a URL, or { url, headers, subprotocols, tls, compression, as }',
  schema: { anyOf: [{ type: 'string', description: 'ws:// or wss:// URL' }, connectObjectSchema] },
  options: { as: { type: 'string', description: "the connection's name, for on: in later steps" } },
  label(args, step) {
    const url = typeof args === 'string' ? args : args.url;
    const name = typeof args === 'object' ? args.as : (step.map['as'] as string | undefined);
    return `connect ${url}${name !== undefined ? ` as ${name}` : ''}`;
  },
  async run(_args, context: StepContext) {
    const rendered = context.renderArgs<ConnectArgs>();
    const spec: ConnectObject = typeof rendered === 'string' ? { url: rendered } : rendered;
    const name = spec.as ?? (context.step.map['as'] as string | undefined) ?? 'default';
    if (context.connections.has(name)) {
      context.fail(`a connection named "${name}" is already open in this scenario; name another with as:`);
    }
    const options = clientOptions(spec, context);
    // Where it was dialed: the runner may send it elsewhere (`wscope load URL --scenario` keeps the path, not the host).
    const dialed = { url: spec.url };
    let socket: WebSocket;
    try {
      socket = await abortable(open(spec.url, options, context, dialed), context.signal);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (spec.expectStatus !== undefined && status === spec.expectStatus) {
        context.note(`refused with ${status}, as expected`);
        return;
      }
      const why = error instanceof Error ? error.message : String(error);
      context.fail(`could not connect to ${dialed.url}: ${why}`);
    }
    if (spec.expectStatus !== undefined) {
      socket.terminate();
      context.fail(`the server accepted the connection (101), expected it to refuse with ${spec.expectStatus}`);
    }
    const connection = new ScenarioConnection(name, socket);
    context.addConnection(connection);
    context.note(`connected to ${socket.url}${socket.extensions !== '' ? `, ${socket.extensions}` : ''}`);
    if (socket.protocol !== '') context.note(`subprotocol ${socket.protocol}`);
  },
});

function clientOptions(spec: ConnectObject, context: StepContext): ClientOptions {
  const read = (path: string) => {
    const file = resolve(context.file.baseDir, path);
    try {
      return readFileSync(file);
    } catch (error) {
      throw new StepArgsError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  };
  const tls = spec.tls ?? {};
  const timeout = spec.timeout === undefined ? undefined : parseDuration(spec.timeout);
  return {
    headers: Object.entries(spec.headers ?? {}).map(([name, value]): [string, string] => [name, String(value)]),
    ...(spec.subprotocols !== undefined && { protocols: spec.subprotocols }),
    ...(spec.compression === false && { perMessageDeflate: false }),
    ...(tls.ca !== undefined && { ca: read(tls.ca) }),
    ...(tls.cert !== undefined && { cert: read(tls.cert) }),
    ...(tls.key !== undefined && { key: read(tls.key) }),
    ...(tls.passphrase !== undefined && { passphrase: tls.passphrase }),
    ...(tls.servername !== undefined && { servername: tls.servername }),
    ...(tls.insecure === true && { rejectUnauthorized: false }),
    ...(timeout !== undefined && { handshakeTimeout: timeout }),
  };
}

/**
 * Open a connection as `connect()` does; one that fails keeps its trace id for the report (the
 * trace forgets it at the close), so JUnit's system-out shows why it failed. `dialed.url` is set
 * to the URL the socket was opened to.
 */
function open(url: string, options: ClientOptions, context: StepContext, dialed: { url: string }): Promise<WebSocket> {
  return new Promise((resolvePromise, reject) => {
    const socket = context.openSocket(url, options);
    dialed.url = socket.url;
    const onError = () => {
      const conn = traceConnectionId(socket);
      if (conn !== undefined) context.addTrace(conn);
    };
    const onOpen = () => {
      socket.off('close', onClose).off('error', onError);
      resolvePromise(socket);
    };
    const onClose = () => {
      socket.off('open', onOpen);
      reject(socket.connectError ?? new Error('the connection closed before it opened'));
    };
    socket.once('open', onOpen).once('close', onClose).once('error', onError);
  });
}

/** The connection, or a rejection when the scenario is aborted first (the socket is then dropped). */
function abortable<T extends { terminate(): void }>(opening: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    opening.then(
      (socket) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) socket.terminate();
        resolvePromise(socket);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
