/**
 * The legacy subprotocol `graphql-ws` of Apollo's subscriptions-transport-ws (its PROTOCOL.md):
 * a pure codec, text in and messages out. Unlike graphql-transport-ws it has no close codes of
 * its own: a refused connection_init is a `connection_error` message, and the server sends `ka`
 * keep-alives instead of ping/pong.
 */
import {
  type GraphqlExecutionResult,
  type GraphqlFormattedError,
  type GraphqlOperationPayload,
  isObject,
  type JsonObject,
  kindOf,
  operationPayloadProblem,
  type ParseResult,
  parseChecked,
} from './json-shape.js';

/** The legacy protocol's subprotocol name (the graphql-ws *library* speaks graphql-transport-ws). */
export const GRAPHQL_WS_LEGACY = 'graphql-ws';

export type GraphqlWsLegacyMessage =
  | { type: 'connection_init'; payload?: JsonObject | null }
  | { type: 'connection_ack' }
  | { type: 'connection_error'; payload?: JsonObject | GraphqlFormattedError[] | null }
  | { type: 'ka' }
  | { type: 'connection_terminate' }
  | { type: 'start'; id: string; payload: GraphqlOperationPayload }
  | { type: 'data'; id: string; payload: GraphqlExecutionResult }
  /** The server's reference implementation sends `{ message }`, older ones a list of errors. */
  | { type: 'error'; id: string; payload: GraphqlFormattedError | GraphqlFormattedError[] | JsonObject }
  | { type: 'complete'; id: string }
  | { type: 'stop'; id: string };

export type GraphqlWsLegacyType = GraphqlWsLegacyMessage['type'];

export const GRAPHQL_WS_LEGACY_TYPES: readonly GraphqlWsLegacyType[] = [
  'connection_init',
  'connection_ack',
  'connection_error',
  'ka',
  'connection_terminate',
  'start',
  'data',
  'error',
  'complete',
  'stop',
];

function idProblem(type: string, id: unknown): string | undefined {
  return typeof id === 'string' ? undefined : `"${type}" needs a string 'id', got ${kindOf(id)}`;
}

/** Why `message` breaks the legacy PROTOCOL.md, or undefined when it is valid. */
function problem(message: JsonObject & { type: string }): string | undefined {
  const { type, id, payload } = message;
  switch (type) {
    case 'connection_init':
      return payload != null && !isObject(payload) ? `"connection_init" payload is an object, null or absent, got ${kindOf(payload)}` : undefined;
    case 'connection_error':
      return payload != null && !isObject(payload) && !Array.isArray(payload)
        ? `"connection_error" payload is an object or a list of errors, got ${kindOf(payload)}`
        : undefined;
    // The reference server sends these with `id: null` or none at all: the id carries nothing.
    case 'connection_ack':
    case 'ka':
    case 'connection_terminate':
      return undefined;
    case 'start':
      return idProblem(type, id) ?? operationPayloadProblem(type, payload);
    case 'data':
      return idProblem(type, id) ?? (isObject(payload) ? undefined : `"data" needs an object 'payload' (an execution result), got ${kindOf(payload)}`);
    case 'error':
      return (
        idProblem(type, id) ??
        (isObject(payload) || Array.isArray(payload) ? undefined : `"error" needs a 'payload' that is an error or a list of errors, got ${kindOf(payload)}`)
      );
    case 'complete':
    case 'stop':
      return idProblem(type, id);
    default:
      return `unknown message type "${type}"`;
  }
}

/** One text message to a legacy protocol message, or why it is not one. */
export function parseGraphqlWsLegacy(text: string): ParseResult<GraphqlWsLegacyMessage> {
  return parseChecked<GraphqlWsLegacyMessage>(text, problem);
}

/** A legacy protocol message as the text frame that carries it. */
export function encodeGraphqlWsLegacy(message: GraphqlWsLegacyMessage): string {
  return JSON.stringify(message);
}
