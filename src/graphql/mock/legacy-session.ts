/**
 * The server's side of the legacy `graphql-ws` subprotocol, answering as
 * subscriptions-transport-ws's SubscriptionServer does (its reference implementation): the
 * protocol has no close codes of its own, so what is wrong is said in messages.
 * - connection_init → connection_ack, then `ka` now and every keep-alive interval;
 * - start → `data` per result, then `complete`; a start may come before connection_init, and a
 *   start with a running id replaces that operation (both as the reference server allows);
 * - a syntax error → `error` with `{ message }`; validation errors → `data` with `{ errors }`, then
 *   `complete` (the reference server runs them as a result, not as an error);
 * - stop → the operation ends and `complete` follows; connection_terminate → we close (1000);
 * - text that is not a protocol message → `connection_error` with `{ message }`, the connection
 *   kept; a type only a server sends → `error` "Invalid message type!".
 */
import type { GraphQLSchema } from 'graphql';
import { encodeGraphqlWsLegacy, type GraphqlWsLegacyMessage, parseGraphqlWsLegacy } from '../../protocol/subprotocols/index.js';
import type { SessionEvent } from './mock-events.js';
import { RunningOperations } from './running-operations.js';
import type { GraphqlSession, SessionPeer } from './session.js';

export interface LegacyOptions {
  /** Time between two `ka` messages (0: none). */
  keepAliveMs: number;
}

export class LegacySession implements GraphqlSession {
  private ended = false;
  private keepAlive: NodeJS.Timeout | undefined;
  private readonly operations: RunningOperations;

  constructor(
    private readonly peer: SessionPeer,
    schema: GraphQLSchema,
    private readonly report: (event: SessionEvent) => void,
    private readonly options: LegacyOptions,
  ) {
    this.operations = new RunningOperations(schema, report);
  }

  receive(text: string) {
    if (this.ended) return;
    const parsed = parseGraphqlWsLegacy(text);
    if ('error' in parsed) return this.send({ type: 'connection_error', payload: { message: parsed.error } });
    const message = parsed.message;
    switch (message.type) {
      case 'connection_init':
        this.report({ type: 'init', payload: message.payload });
        this.send({ type: 'connection_ack' });
        if (this.options.keepAliveMs > 0 && !this.keepAlive) {
          this.send({ type: 'ka' });
          this.keepAlive = setInterval(() => this.send({ type: 'ka' }), this.options.keepAliveMs);
        }
        return;
      case 'connection_terminate':
        this.peer.close(1000, '');
        this.closed();
        return;
      case 'start': {
        const { id, payload } = message;
        this.operations.stop(id);
        void this.operations.start(id, payload, {
          invalid: (stage, errors) => {
            if (stage === 'syntax') return this.send({ type: 'error', id, payload: { message: errors[0]?.message ?? 'Syntax Error' } });
            this.send({ type: 'data', id, payload: { errors: [...errors] } });
            this.send({ type: 'complete', id });
          },
          next: (result) => this.send({ type: 'data', id, payload: result }),
          failed: (reason) => this.send({ type: 'error', id, payload: { message: reason } }),
          complete: () => this.send({ type: 'complete', id }),
        });
        return;
      }
      case 'stop':
        if (this.operations.stop(message.id)) this.send({ type: 'complete', id: message.id });
        return;
      default:
        return this.send({ type: 'error', id: 'id' in message ? message.id : '', payload: { message: 'Invalid message type!' } });
    }
  }

  receiveBinary(): void {
    this.send({ type: 'connection_error', payload: { message: 'a binary message (the protocol sends JSON text)' } });
  }

  closed(): void {
    this.ended = true;
    clearInterval(this.keepAlive);
    this.operations.stopAll();
  }

  private send(message: GraphqlWsLegacyMessage): void {
    if (!this.ended) this.peer.send(encodeGraphqlWsLegacy(message));
  }
}
