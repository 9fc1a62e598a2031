/**
 * Both GraphQL-over-WebSocket protocols behind one face: what the session sends (init, an
 * operation, its stop, the goodbye) and what it makes of what arrives, as protocol-neutral
 * events. The codecs (src/protocol/subprotocols/) say what is valid; this says what it means.
 */
import {
  encodeGraphqlTransportWs,
  encodeGraphqlWsLegacy,
  GRAPHQL_TRANSPORT_WS,
  GRAPHQL_WS_LEGACY,
  type GraphqlExecutionResult,
  type GraphqlFormattedError,
  type GraphqlOperationPayload,
  type JsonObject,
  parseGraphqlTransportWs,
  parseGraphqlWsLegacy,
} from '../index.js';

export type GraphqlProtocolName = typeof GRAPHQL_TRANSPORT_WS | typeof GRAPHQL_WS_LEGACY;

/** Every subprotocol wscope speaks, in the order `auto` offers them (the current one first). */
export const GRAPHQL_PROTOCOLS: readonly GraphqlProtocolName[] = [GRAPHQL_TRANSPORT_WS, GRAPHQL_WS_LEGACY];

/** What an incoming message means to the session, whichever protocol carried it. */
export type IncomingEvent =
  | { kind: 'ack'; payload?: JsonObject | null }
  /** graphql-transport-ws `ping`: answered with `pong`. */
  | { kind: 'ping'; payload?: JsonObject | null }
  /** `pong`, or the legacy `ka` keep-alive: proof of life, nothing to do. */
  | { kind: 'keepalive' }
  | { kind: 'result'; id: string; result: GraphqlExecutionResult }
  | { kind: 'error'; id: string; errors: GraphqlFormattedError[] }
  | { kind: 'complete'; id: string }
  /** Legacy `connection_error`: the server refused connection_init (it does not close). */
  | { kind: 'refused'; message: string }
  /** A valid message a server does not send (`subscribe`, `start`...). */
  | { kind: 'unexpected'; type: string }
  | { kind: 'invalid'; reason: string };

export interface WireProtocol {
  readonly name: GraphqlProtocolName;
  init(payload: JsonObject | undefined): string;
  start(id: string, payload: GraphqlOperationPayload): string;
  stop(id: string): string;
  pong(payload: JsonObject | null | undefined): string | undefined;
  /** Sent before the closing handshake (legacy: connection_terminate); undefined: none. */
  goodbye(): string | undefined;
  receive(text: string): IncomingEvent;
}

const transportWs: WireProtocol = {
  name: GRAPHQL_TRANSPORT_WS,
  init: (payload) => encodeGraphqlTransportWs({ type: 'connection_init', ...(payload && { payload }) }),
  start: (id, payload) => encodeGraphqlTransportWs({ type: 'subscribe', id, payload }),
  stop: (id) => encodeGraphqlTransportWs({ type: 'complete', id }),
  pong: (payload) => encodeGraphqlTransportWs({ type: 'pong', ...(payload && { payload }) }),
  goodbye: () => undefined,
  receive(text) {
    const parsed = parseGraphqlTransportWs(text);
    if ('error' in parsed) return { kind: 'invalid', reason: parsed.error };
    const message = parsed.message;
    switch (message.type) {
      case 'connection_ack':
        return { kind: 'ack', ...('payload' in message && { payload: message.payload }) };
      case 'ping':
        return { kind: 'ping', ...('payload' in message && { payload: message.payload }) };
      case 'pong':
        return { kind: 'keepalive' };
      case 'next':
        return { kind: 'result', id: message.id, result: message.payload };
      case 'error':
        return { kind: 'error', id: message.id, errors: message.payload };
      case 'complete':
        return { kind: 'complete', id: message.id };
      default:
        return { kind: 'unexpected', type: message.type };
    }
  },
};

/** The legacy `error` payload is one error or a list of them (see graphql-ws-legacy.ts). */
function errorList(payload: unknown): GraphqlFormattedError[] {
  const list = Array.isArray(payload) ? payload : [payload];
  return list.map((item) => {
    const error = item as Partial<GraphqlFormattedError> | null;
    return typeof error?.message === 'string' ? (error as GraphqlFormattedError) : { message: JSON.stringify(item) };
  });
}

const legacyWs: WireProtocol = {
  name: GRAPHQL_WS_LEGACY,
  init: (payload) => encodeGraphqlWsLegacy({ type: 'connection_init', ...(payload && { payload }) }),
  start: (id, payload) => encodeGraphqlWsLegacy({ type: 'start', id, payload }),
  stop: (id) => encodeGraphqlWsLegacy({ type: 'stop', id }),
  pong: () => undefined,
  goodbye: () => encodeGraphqlWsLegacy({ type: 'connection_terminate' }),
  receive(text) {
    const parsed = parseGraphqlWsLegacy(text);
    if ('error' in parsed) return { kind: 'invalid', reason: parsed.error };
    const message = parsed.message;
    switch (message.type) {
      case 'connection_ack':
        return { kind: 'ack' };
      case 'ka':
        return { kind: 'keepalive' };
      case 'connection_error': {
        const payload = message.payload;
        return {
          kind: 'refused',
          message: errorList(payload ?? { message: 'connection_error' })
            .map((e) => e.message)
            .join('; '),
        };
      }
      case 'data':
        return { kind: 'result', id: message.id, result: message.payload };
      case 'error':
        return { kind: 'error', id: message.id, errors: errorList(message.payload) };
      case 'complete':
        return { kind: 'complete', id: message.id };
      default:
        return { kind: 'unexpected', type: message.type };
    }
  },
};

export function wireProtocol(name: GraphqlProtocolName): WireProtocol {
  return name === GRAPHQL_TRANSPORT_WS ? transportWs : legacyWs;
}

export function isGraphqlProtocol(name: string): name is GraphqlProtocolName {
  return (GRAPHQL_PROTOCOLS as readonly string[]).includes(name);
}
