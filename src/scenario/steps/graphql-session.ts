/**
 * GraphQL over one scenario connection: the subprotocol its handshake agreed picks the codec
 * (graphql-transport-ws or the legacy graphql-ws), and what the server sends is sorted by
 * operation id, so `graphql: { next: a }` waits for a's next while b's results queue for their
 * own steps. Protocol chatter is handled on the way: ping is answered with pong, `ka` and pong
 * are dropped, connection_ack marks the connection acknowledged.
 */
import {
  encodeGraphqlTransportWs,
  encodeGraphqlWsLegacy,
  GRAPHQL_TRANSPORT_WS,
  GRAPHQL_WS_LEGACY,
  type GraphqlTransportWsMessage,
  type GraphqlWsLegacyMessage,
  parseGraphqlTransportWs,
  parseGraphqlWsLegacy,
} from '../../protocol/subprotocols/index.js';
import type { CloseInfo, ScenarioConnection } from '../connection.js';

/** A message the server sent, parsed. */
export interface ServerMessage {
  type: string;
  id?: string;
  payload?: unknown;
  /** The text as it came, for reports. */
  text: string;
}

export type Waited = { message: ServerMessage } | { timedOut: true } | { closed: CloseInfo } | { invalid: string; text: string };

const sessions = new WeakMap<ScenarioConnection, GraphqlScenarioSession>();

export class GraphqlScenarioSession {
  initSent = false;
  acknowledged = false;
  /** connection_error messages (legacy): the server refused the init, or a message. */
  readonly connectionErrors: ServerMessage[] = [];
  private readonly byId = new Map<string, ServerMessage[]>();

  private constructor(
    readonly connection: ScenarioConnection,
    readonly protocol: typeof GRAPHQL_TRANSPORT_WS | typeof GRAPHQL_WS_LEGACY,
  ) {}

  /** The connection's session; undefined when it agreed neither GraphQL subprotocol. */
  static of(connection: ScenarioConnection): GraphqlScenarioSession | undefined {
    let session = sessions.get(connection);
    const protocol = connection.socket.protocol;
    if (!session && (protocol === GRAPHQL_TRANSPORT_WS || protocol === GRAPHQL_WS_LEGACY)) {
      session = new GraphqlScenarioSession(connection, protocol);
      sessions.set(connection, session);
    }
    return session;
  }

  get legacy(): boolean {
    return this.protocol === GRAPHQL_WS_LEGACY;
  }

  send(message: GraphqlTransportWsMessage | GraphqlWsLegacyMessage): Promise<void> {
    const text = this.legacy ? encodeGraphqlWsLegacy(message as GraphqlWsLegacyMessage) : encodeGraphqlTransportWs(message as GraphqlTransportWsMessage);
    return this.connection.send({ binary: false, data: text });
  }

  /** The oldest message for `id` not yet taken, waiting up to `timeoutMs` for one. */
  nextFor(id: string, timeoutMs: number, signal: AbortSignal): Promise<Waited> {
    return this.waitUntil(() => this.byId.get(id)?.shift(), timeoutMs, signal);
  }

  /** Wait for connection_ack (or a connection_error, which the caller reports). */
  ack(timeoutMs: number, signal: AbortSignal): Promise<Waited> {
    return this.waitUntil(() => (this.acknowledged ? { type: 'connection_ack', text: '' } : this.connectionErrors.shift()), timeoutMs, signal);
  }

  /** How many messages wait for `id`. */
  pendingFor(id: string): number {
    return this.byId.get(id)?.length ?? 0;
  }

  private async waitUntil(found: () => ServerMessage | undefined, timeoutMs: number, signal: AbortSignal): Promise<Waited> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = found();
      if (message) return { message };
      const taken = await this.connection.take('message', Math.max(0, deadline - Date.now()), signal);
      if ('timedOut' in taken) return taken;
      if ('closed' in taken) return taken;
      const text = taken.item.binary ? `[binary ${taken.item.data.length} B]` : taken.item.data.toString('utf8');
      if (taken.item.binary) return { invalid: `a binary message (${this.protocol} sends JSON text)`, text };
      const parsed = this.legacy ? parseGraphqlWsLegacy(text) : parseGraphqlTransportWs(text);
      if ('error' in parsed) return { invalid: parsed.error, text };
      this.route({ ...(parsed.message as { type: string; id?: string; payload?: unknown }), text });
    }
  }

  private route(message: ServerMessage): void {
    switch (message.type) {
      case 'ping':
        // PROTOCOL.md: "the receiver must respond with a Pong as soon as possible".
        void this.send({ type: 'pong' }).catch(() => {});
        return;
      case 'pong':
      case 'ka':
        return;
      case 'connection_ack':
        this.acknowledged = true;
        return;
      case 'connection_error':
        this.connectionErrors.push(message);
        return;
      default: {
        const id = message.id ?? '';
        const queue = this.byId.get(id);
        if (queue) queue.push(message);
        else this.byId.set(id, [message]);
      }
    }
  }
}
