/**
 * `wscope graphql serve`: one port, both GraphQL-over-WebSocket protocols. The subprotocol the
 * client offers picks the session — graphql-transport-ws first when it offers both, as it is
 * the maintained one — and a client that offers neither is answered as graphql-ws's useServer
 * answers it: the handshake completes without a subprotocol, then the connection closes with
 * 4406 Subprotocol not acceptable. (A client that offered others fails the 101 itself, RFC 6455
 * §4.1: "the server's response must name one of the offered subprotocols, or none".)
 */
import type { Buffer } from 'node:buffer';
import type { GraphQLSchema } from 'graphql';
import { type HandshakeRequest, type ServerOptions, type WebSocket, WebSocketServer } from '../../index.js';
import { GRAPHQL_TRANSPORT_WS, GRAPHQL_WS_LEGACY, GraphqlTransportWsCloseCode } from '../../protocol/subprotocols/index.js';
import { LegacySession } from './legacy-session.js';
import type { GraphqlMockEvent, SessionEvent } from './mock-events.js';
import type { GraphqlSession, SessionPeer } from './session.js';
import { TransportWsSession } from './transport-ws-session.js';

/** In the server's order of preference. */
export const SERVED_SUBPROTOCOLS = [GRAPHQL_TRANSPORT_WS, GRAPHQL_WS_LEGACY] as const;

export interface GraphqlMockServerOptions {
  /** The executable schema (see mockedSchema). */
  schema: GraphQLSchema;
  /** Port, host, compression...; the subprotocols are the mock's own. */
  server: Omit<ServerOptions, 'protocols' | 'accept'>;
  report: (event: GraphqlMockEvent) => void;
  /** graphql-transport-ws: close with 4408 when connection_init has not come in this time (default 3000, graphql-ws's). */
  initTimeoutMs?: number;
  /** Legacy graphql-ws: `ka` every this many ms after the ack (default 10 000; 0: none). */
  keepAliveMs?: number;
}

export class GraphqlMockServer {
  readonly server: WebSocketServer;
  private nextId = 1;

  constructor(private readonly options: GraphqlMockServerOptions) {
    this.server = new WebSocketServer({ ...options.server, protocols: SERVED_SUBPROTOCOLS });
    this.server.on('connection', (socket: WebSocket, request: HandshakeRequest) => this.connected(socket, request));
  }

  close(): Promise<void> {
    return this.server.close(1001, 'server shutting down');
  }

  private connected(socket: WebSocket, request: HandshakeRequest): void {
    const client = this.nextId++;
    const { report } = this.options;
    if (socket.protocol === '') {
      report({ type: 'unacceptable', client, offered: request.protocols });
      socket.close(GraphqlTransportWsCloseCode.SubprotocolNotAcceptable, 'Subprotocol not acceptable');
      return;
    }
    report({ type: 'connection', client, protocol: socket.protocol, remoteAddress: request.remoteAddress, remotePort: request.remotePort, path: request.path });
    const peer: SessionPeer = {
      send: (text) => {
        if (socket.readyState === socket.OPEN) socket.send(text);
      },
      close: (code, reason) => {
        if (socket.readyState === socket.OPEN) socket.close(code, reason);
      },
    };
    const sessionReport = (event: SessionEvent) => report({ ...event, client });
    const session: GraphqlSession =
      socket.protocol === GRAPHQL_TRANSPORT_WS
        ? new TransportWsSession(peer, this.options.schema, sessionReport, { initTimeoutMs: this.options.initTimeoutMs ?? 3000 })
        : new LegacySession(peer, this.options.schema, sessionReport, { keepAliveMs: this.options.keepAliveMs ?? 10_000 });
    socket.on('message', (data: Buffer, binary: boolean) => (binary ? session.receiveBinary() : session.receive(data.toString('utf8'))));
    socket.once('close', (code: number, reason: Buffer | string) => {
      session.closed();
      report({ type: 'close', client, code, reason: reason.toString() });
    });
    socket.on('error', () => {
      // The 'close' that follows says how it ended; an unhandled 'error' would crash the server.
    });
  }
}
