/**
 * The server's side of `graphql-transport-ws` (graphql-ws's PROTOCOL.md), on the pure codec:
 * connection_init within the wait (else 4408), one only (4429), acknowledged at once; subscribe
 * only after the ack (4401), one operation per id (4409); anything the protocol does not define
 * closes with 4400 and the reason. Results go out as `next`, then `complete`; an operation that
 * cannot run (a syntax or validation error) gets one `error` with the GraphQL errors.
 */
import type { GraphQLSchema } from 'graphql';
import {
  encodeGraphqlTransportWs,
  GraphqlTransportWsCloseCode,
  type GraphqlTransportWsMessage,
  parseGraphqlTransportWs,
} from '../../protocol/subprotocols/index.js';
import type { SessionEvent } from './mock-events.js';
import { RunningOperations } from './running-operations.js';
import { closeReason, type GraphqlSession, type SessionPeer } from './session.js';

export interface TransportWsOptions {
  /** PROTOCOL.md's connectionInitWaitTimeout: graphql-ws's default is 3 s. */
  initTimeoutMs: number;
}

export class TransportWsSession implements GraphqlSession {
  private initReceived = false;
  private acknowledged = false;
  private ended = false;
  private readonly operations: RunningOperations;
  private readonly initTimer: NodeJS.Timeout;

  constructor(
    private readonly peer: SessionPeer,
    schema: GraphQLSchema,
    private readonly report: (event: SessionEvent) => void,
    options: TransportWsOptions,
  ) {
    this.operations = new RunningOperations(schema, report);
    this.initTimer = setTimeout(() => {
      if (!this.initReceived) this.violation(GraphqlTransportWsCloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
    }, options.initTimeoutMs);
  }

  receive(text: string) {
    if (this.ended) return;
    const parsed = parseGraphqlTransportWs(text);
    if ('error' in parsed) return this.violation(GraphqlTransportWsCloseCode.BadRequest, `Invalid message received: ${parsed.error}`);
    const message = parsed.message;
    switch (message.type) {
      case 'connection_init':
        if (this.initReceived) return this.violation(GraphqlTransportWsCloseCode.TooManyInitialisationRequests, 'Too many initialisation requests');
        this.initReceived = true;
        clearTimeout(this.initTimer);
        this.acknowledged = true;
        this.report({ type: 'init', payload: message.payload });
        return this.send({ type: 'connection_ack' });
      case 'ping':
        // PROTOCOL.md: "the receiver must respond with a Pong as soon as possible", the payload echoed as graphql-ws does.
        return this.send(message.payload ? { type: 'pong', payload: message.payload } : { type: 'pong' });
      case 'pong':
        return;
      case 'subscribe': {
        if (!this.acknowledged) return this.violation(GraphqlTransportWsCloseCode.Unauthorized, 'Unauthorized');
        const { id, payload } = message;
        if (this.operations.has(id)) return this.violation(GraphqlTransportWsCloseCode.SubscriberAlreadyExists, `Subscriber for ${id} already exists`);
        void this.operations.start(id, payload, {
          invalid: (_stage, errors) => this.send({ type: 'error', id, payload: errors as GraphqlErrorList }),
          next: (result) => this.send({ type: 'next', id, payload: result }),
          failed: (reason) => this.send({ type: 'error', id, payload: [{ message: reason }] }),
          complete: () => this.send({ type: 'complete', id }),
        });
        return;
      }
      case 'complete':
        // The client is done with it: stop, and say nothing back (PROTOCOL.md, Complete).
        this.operations.stop(message.id);
        return;
      default:
        // connection_ack, next, error: valid messages, but a server's to send, never a client's.
        return this.violation(GraphqlTransportWsCloseCode.BadRequest, `Invalid message received: "${message.type}" is sent by servers, not clients`);
    }
  }

  receiveBinary(): void {
    if (!this.ended) this.violation(GraphqlTransportWsCloseCode.BadRequest, 'Invalid message received: a binary message (the protocol sends JSON text)');
  }

  closed(): void {
    this.ended = true;
    clearTimeout(this.initTimer);
    this.operations.stopAll();
  }

  private send(message: GraphqlTransportWsMessage): void {
    if (!this.ended) this.peer.send(encodeGraphqlTransportWs(message));
  }

  private violation(code: number, reason: string): void {
    const limited = closeReason(reason);
    this.report({ type: 'violation', code, reason: limited });
    this.peer.close(code, limited);
    this.closed();
  }
}

type GraphqlErrorList = Extract<GraphqlTransportWsMessage, { type: 'error' }>['payload'];
