/**
 * GraphQL servers that are not ours, for the client's tests (and the mock server's): the
 * graphql-ws library's server on `ws`, and Apollo's legacy subscriptions-transport-ws server,
 * both on one schema with a query, a mutation, and subscriptions that count, fail and run until
 * stopped. Each server keeps every message it received, so a test can assert what it saw.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, graphql, subscribe } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { SubscriptionServer } from 'subscriptions-transport-ws';
import { WebSocketServer } from 'ws';
import { acceptFor, encodeFrame, RawPeer, readHead } from '../conformance/raw-peer.js';

export const SCHEMA_SDL = `
type Query {
  hello(name: String): String!
  broken: String
}
type Mutation {
  add(a: Int!, b: Int!): Int!
}
type Subscription {
  "Counts 1..to, one every interval ms, then completes."
  count(to: Int!, interval: Int): Int!
  "Emits 1, then fails."
  fail: Int!
  "Ticks every 20 ms until stopped."
  ticks: Int!
}
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const schema = makeExecutableSchema({
  typeDefs: SCHEMA_SDL,
  resolvers: {
    Query: {
      hello: (_: unknown, { name }: { name?: string }) => `hello ${name ?? 'world'}`,
      broken: () => {
        throw new Error('broken on purpose');
      },
    },
    Mutation: { add: (_: unknown, { a, b }: { a: number; b: number }) => a + b },
    Subscription: {
      count: {
        subscribe: async function* (_: unknown, { to, interval }: { to: number; interval?: number }) {
          for (let i = 1; i <= to; i++) {
            await sleep(interval ?? 5);
            yield { count: i };
          }
        },
      },
      fail: {
        subscribe: async function* () {
          yield { fail: 1 };
          await sleep(5);
          throw new Error('the subscription failed');
        },
      },
      ticks: {
        subscribe: async function* () {
          for (let i = 1; ; i++) {
            await sleep(20);
            yield { ticks: i };
          }
        },
      },
    },
  },
});

export interface TestGraphqlServer {
  url: string;
  port: number;
  /** Every message the server received, parsed. */
  received: Array<Record<string, unknown>>;
  /** The subprotocol each connection agreed, in order. */
  protocols: string[];
  close(): Promise<void>;
}

type Refusal = { refuse?: boolean };

function watch(wss: { on(event: 'connection', listener: (socket: { protocol: string; on(e: 'message', l: (data: Buffer) => void): void }) => void): void }) {
  const received: Array<Record<string, unknown>> = [];
  const protocols: string[] = [];
  wss.on('connection', (socket) => {
    protocols.push(socket.protocol);
    socket.on('message', (data) => {
      try {
        received.push(JSON.parse(data.toString()) as Record<string, unknown>);
      } catch {
        received.push({ unparsed: data.toString() });
      }
    });
  });
  return { received, protocols };
}

/** The graphql-ws library's server (graphql-transport-ws). `refuse`: onConnect returns false (4403 Forbidden). */
export async function graphqlWsServer({ refuse = false }: Refusal = {}): Promise<TestGraphqlServer> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/graphql' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const seen = watch(wss as never);
  const disposable = useServer({ schema, onConnect: () => !refuse }, wss);
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/graphql`,
    port,
    ...seen,
    async close() {
      await disposable.dispose();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

/** subscriptions-transport-ws's SubscriptionServer (legacy graphql-ws). `refuse`: onConnect throws (connection_error). */
export async function legacyServer({ refuse = false }: Refusal = {}): Promise<TestGraphqlServer> {
  const server = SubscriptionServer.create(
    {
      schema,
      execute,
      subscribe,
      onConnect: () => {
        if (refuse) throw new Error('forbidden: bad token');
        return true;
      },
    },
    { port: 0, host: '127.0.0.1', path: '/graphql' },
  );
  const wss = server.server as unknown as import('node:events').EventEmitter & { address(): AddressInfo; close(cb: () => void): void };
  await new Promise((resolve) => (wss.address() ? resolve(undefined) : wss.once('listening', resolve)));
  const seen = watch(wss as never);
  const port = wss.address().port;
  return {
    url: `ws://127.0.0.1:${port}/graphql`,
    port,
    ...seen,
    async close() {
      server.close();
      await new Promise((resolve) => setTimeout(resolve, 10));
    },
  };
}

/** A ws server that agrees `protocol` to every client and watches what they send; the caller adds what it answers. */
async function agreeingServer(protocol: string): Promise<{ wss: WebSocketServer; server: TestGraphqlServer }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => protocol });
  await new Promise((resolve) => wss.once('listening', resolve));
  const seen = watch(wss as never);
  const port = (wss.address() as AddressInfo).port;
  const server: TestGraphqlServer = {
    url: `ws://127.0.0.1:${port}/`,
    port,
    ...seen,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
  return { wss, server };
}

/** A WebSocket server that agrees `protocol` and then says nothing at all: no connection_ack, ever. */
export async function silentServer(protocol: string): Promise<TestGraphqlServer> {
  return (await agreeingServer(protocol)).server;
}

/**
 * The peer-speaks-first seam, by hand on a raw socket: the 101 and a graphql-transport-ws
 * connection_ack leave in ONE write, before the client has sent connection_init. Then it answers
 * the first subscribe with one `next` and `complete`, and the client's Close with its own.
 */
export async function ackWithHandshakeServer(): Promise<TestGraphqlServer> {
  const received: Array<Record<string, unknown>> = [];
  const protocols: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    void readHead(socket).then(
      async ({ head, rest }) => {
        const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
        protocols.push('graphql-transport-ws');
        const response = [
          'HTTP/1.1 101 Switching Protocols',
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Accept: ${acceptFor(key)}`,
          'Sec-WebSocket-Protocol: graphql-transport-ws',
        ].join('\r\n');
        socket.write(Buffer.concat([Buffer.from(`${response}\r\n\r\n`), encodeFrame({ op: 1, data: '{"type":"connection_ack"}' }, false)]));
        const peer = new RawPeer(socket, 'server', rest);
        const texts = () => peer.frames.filter((f) => f.op === 1).map((f) => JSON.parse(f.payload.toString()) as Record<string, unknown>);
        await peer.until(() => texts().some((m) => m['type'] === 'subscribe'), 3000, 'a subscribe');
        received.push(...texts());
        const id = texts().find((m) => m['type'] === 'subscribe')!['id'];
        await peer.write(encodeFrame({ op: 1, data: JSON.stringify({ type: 'next', id, payload: { data: { seam: true } } }) }, false));
        await peer.write(encodeFrame({ op: 1, data: JSON.stringify({ type: 'complete', id }) }, false));
        // RFC 6455 §5.5.1: the Close is answered with a Close, then TCP ends.
        const close = await peer.waitForClose();
        await peer.write(encodeFrame({ op: 8, data: close.payload }, false));
        socket.end();
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    received,
    protocols,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** GraphQL over HTTP: POST `{ query }`, answered by the graphql reference executor on the same schema. */
export async function httpGraphqlServer(): Promise<{ url: string; requests: Array<{ headers: IncomingHttpHeaders; body: string }>; close(): Promise<void> }> {
  const requests: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ headers: request.headers, body });
      const { query } = JSON.parse(body) as { query: string };
      void graphql({ schema, source: query }).then((result) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(result));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A graphql-transport-ws server by hand on `ws`, for what the library's server never does: it
 * acks, sends a protocol `ping` and waits for the `pong`, then answers the subscribe with `reply`.
 */
export async function scriptedServer(reply: string): Promise<TestGraphqlServer> {
  const { wss, server } = await agreeingServer('graphql-transport-ws');
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; id?: string };
      if (message.type === 'connection_init') {
        socket.send('{"type":"connection_ack"}');
        socket.send('{"type":"ping","payload":{"n":1}}');
      } else if (message.type === 'subscribe') socket.send(reply.replace('$ID', message.id ?? ''));
    });
  });
  return server;
}
