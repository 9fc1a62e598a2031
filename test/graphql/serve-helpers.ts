/**
 * The GraphQL mock server as the tests start it (in-process, a free loopback port) and clients
 * that drive it as users' code does: graphql-ws's createClient and subscriptions-transport-ws's
 * SubscriptionClient, both on `ws`, and a raw `ws` socket for what those clients never send.
 */
import { once } from 'node:events';

import { createClient, type Client } from 'graphql-ws';
import { SubscriptionClient } from 'subscriptions-transport-ws';
import WebSocket from 'ws';
import {
  type GraphqlMockEvent,
  GraphqlMockServer,
  type MockFixtures,
  mockedSchema,
  NO_FIXTURES,
  readMocks,
  schemaFromSdl,
} from '../../src/graphql/mock/index.js';

export const SCHEMA_SDL = `
type User { id: ID!, name: String!, age: Int }
type Query { hello: String!, me: User!, users: [User!]! }
type Mutation { rename(name: String!): User! }
type Subscription { count: Int!, userJoined: User! }
`;

export const MOCKS_YAML = `
types:
  User: { name: Ada }
  Query: { hello: world }
subscriptions:
  userJoined:
    - { name: Grace }
    - { name: Linus, age: 54 }
`;

export interface RunningMock {
  url: string;
  events: GraphqlMockEvent[];
  close(): Promise<void>;
}

export async function startMock(
  options: { fixtures?: MockFixtures | string; intervalMs?: number; count?: number; initTimeoutMs?: number } = {},
): Promise<RunningMock> {
  const schema = schemaFromSdl(SCHEMA_SDL, 'schema.graphql');
  const fixtures = typeof options.fixtures === 'string' ? readMocks(options.fixtures, 'mocks.yaml', schema) : (options.fixtures ?? NO_FIXTURES);
  const events: GraphqlMockEvent[] = [];
  const mock = new GraphqlMockServer({
    schema: mockedSchema(schema, fixtures, { intervalMs: options.intervalMs ?? 50, count: options.count ?? 3 }),
    server: { port: 0, host: '127.0.0.1' },
    report: (event) => events.push(event),
    ...(options.initTimeoutMs !== undefined && { initTimeoutMs: options.initTimeoutMs }),
  });
  await mock.server.ready();
  return { url: `ws://127.0.0.1:${mock.server.address().port}/graphql`, events, close: () => mock.close() };
}

/** graphql-ws's client, connecting at once and never retrying (a test wants the first failure). */
export function transportWsClient(url: string): Client {
  return createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, onNonLazyError: () => {} });
}

export interface Collected {
  results: Array<{ data?: unknown; errors?: readonly unknown[] | undefined }>;
  times: number[];
  error?: unknown;
  completed: boolean;
}

/** Subscribe with graphql-ws's client and collect until complete or error. */
export function collectTransportWs(client: Client, payload: { query: string; variables?: Record<string, unknown> }): Promise<Collected> {
  const collected: Collected = { results: [], times: [], completed: false };
  return new Promise((resolve) => {
    client.subscribe(payload, {
      next: (result) => {
        collected.results.push(result);
        collected.times.push(Date.now());
      },
      error: (error) => {
        collected.error = error;
        resolve(collected);
      },
      complete: () => {
        collected.completed = true;
        resolve(collected);
      },
    });
  });
}

export function legacyClient(url: string): SubscriptionClient {
  return new SubscriptionClient(url, { reconnect: false }, WebSocket);
}

/** Run an operation with the legacy client and collect until complete or error. */
export function collectLegacy(client: SubscriptionClient, query: string): Promise<Collected> {
  const collected: Collected = { results: [], times: [], completed: false };
  return new Promise((resolve) => {
    client.request({ query }).subscribe({
      next: (result) => {
        collected.results.push(result as { data?: unknown });
        collected.times.push(Date.now());
      },
      error: (error: unknown) => {
        collected.error = error;
        resolve(collected);
      },
      complete: () => {
        collected.completed = true;
        resolve(collected);
      },
    });
  });
}

/** A raw ws client speaking `protocols`; `messages` collects every text it receives, parsed. */
export async function rawClient(url: string, protocols: string[]) {
  const socket = new WebSocket(url, protocols);
  const messages: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await once(socket, 'open');
  return { socket, messages, closed, send: (message: unknown) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)) };
}
