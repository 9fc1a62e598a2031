/**
 * The scripted server: a WebSocketServer whose accept hook finds each request's route (none: 404
 * at the handshake) and picks the subprotocol that path speaks, and a MockConnection per client.
 * `reload` swaps the script while clients stay connected.
 */
import { type HandshakeRequest, type ServerOptions, type WebSocket, WebSocketServer } from '../index.js';
import type { MockConfig, Route } from './mock-config.js';
import type { MockClient, Report } from './mock-events.js';
import { MockConnection } from './mock-connection.js';
import { findRoute } from './route-pattern.js';

export interface MockServerOptions {
  config: MockConfig;
  /** Port, host, TLS, compression...; `accept` and `protocols` are the mock's own. */
  server: Omit<ServerOptions, 'accept' | 'protocols'>;
  report: Report;
  /** Chance source for drop: (default Math.random). */
  random?: () => number;
}

export class MockServer {
  readonly server: WebSocketServer;
  private config: MockConfig;
  private readonly connections = new Set<MockConnection>();
  private nextId = 1;

  constructor(private readonly options: MockServerOptions) {
    this.config = options.config;
    // protocols: [] so the server itself chooses none; the accept hook chooses per route.
    this.server = new WebSocketServer({ ...options.server, protocols: [], accept: (request) => this.accept(request) });
    const { report } = options;
    this.server.on('rejected', (error: Error & { status?: number }, request: HandshakeRequest | undefined) =>
      report({ type: 'rejected', request, status: error.status ?? 400, message: error.message }),
    );
    this.server.on('connection', (socket: WebSocket, request: HandshakeRequest) => this.connected(socket, request));
  }

  /** The routes now being served. */
  routes(): readonly Route[] {
    return this.config.routes;
  }

  /** New rules for new messages; the clients stay, their pushes follow the new file. */
  reload(config: MockConfig): void {
    this.config = config;
    for (const connection of this.connections) connection.reloaded();
  }

  close(): Promise<void> {
    return this.server.close(1001, 'mock server shutting down');
  }

  private accept(request: HandshakeRequest) {
    const route = findRoute(this.config.routes, request.path);
    if (!route)
      return {
        accept: false as const,
        status: 404,
        message: `no mock at ${request.path} (the file serves ${this.config.routes.map((r) => r.pattern).join(', ')})`,
      };
    // The route's protocols in its order of preference; without a list, the client's first (as WebSocketServer does).
    const protocol = route.protocols ? route.protocols.find((p) => request.protocols.includes(p)) : request.protocols[0];
    // A client that offered subprotocols fails a 101 that picks none (RFC 6455 §4.1 leaves it to
    // the client; WHATWG WebSocket and ws do fail): a 400 that says why is easier to act on.
    if (protocol === undefined && request.protocols.length > 0)
      return {
        accept: false as const,
        status: 400,
        message: `${route.pattern} speaks ${route.protocols?.join(', ')}; the client offered ${request.protocols.join(', ')}`,
      };
    return { accept: true as const, ...(protocol !== undefined && { protocol }) };
  }

  private connected(socket: WebSocket, request: HandshakeRequest): void {
    const route = findRoute(this.config.routes, request.path);
    const client: MockClient = { id: this.nextId++, socket, request, pattern: route?.pattern ?? request.path };
    const { report } = this.options;
    // Reported first, so whoever logs sees each message before the replies it caused.
    report({ type: 'connection', client });
    const connection = new MockConnection(client, {
      config: () => this.config,
      routeFor: (path) => findRoute(this.config.routes, path),
      report,
      random: this.options.random ?? Math.random,
    });
    this.connections.add(connection);
    socket.on('close', (code: number, reason: string) => {
      this.connections.delete(connection);
      report({ type: 'close', client, code, reason });
    });
    connection.start();
  }
}
