/**
 * The `graphql-transport-ws` subprotocol, the graphql-ws library's (its PROTOCOL.md): a pure
 * codec, text in and messages out, and the protocol's close codes. It knows no socket: the
 * client in src/graphql/ and the mock server drive it.
 */
import type { CloseCodeInfo } from '../close-codes.js';
import {
  type GraphqlExecutionResult,
  type GraphqlFormattedError,
  type GraphqlOperationPayload,
  isErrorList,
  isObject,
  type JsonObject,
  kindOf,
  operationPayloadProblem,
  type ParseResult,
  parseChecked,
} from './json-shape.js';

export const GRAPHQL_TRANSPORT_WS = 'graphql-transport-ws';

/** PROTOCOL.md: `payload` of these four is "an object, null or absent". */
type WithOptionalPayload<T extends string> = { type: T; payload?: JsonObject | null };

export type GraphqlTransportWsMessage =
  | WithOptionalPayload<'connection_init'>
  | WithOptionalPayload<'connection_ack'>
  | WithOptionalPayload<'ping'>
  | WithOptionalPayload<'pong'>
  | { type: 'subscribe'; id: string; payload: GraphqlOperationPayload }
  | { type: 'next'; id: string; payload: GraphqlExecutionResult }
  | { type: 'error'; id: string; payload: GraphqlFormattedError[] }
  | { type: 'complete'; id: string };

export type GraphqlTransportWsType = GraphqlTransportWsMessage['type'];

export const GRAPHQL_TRANSPORT_WS_TYPES: readonly GraphqlTransportWsType[] = [
  'connection_init',
  'connection_ack',
  'ping',
  'pong',
  'subscribe',
  'next',
  'error',
  'complete',
];

/** The close codes PROTOCOL.md gives, by name (as graphql-ws's `CloseCode` enum). */
export const GraphqlTransportWsCloseCode = {
  BadRequest: 4400,
  Unauthorized: 4401,
  Forbidden: 4403,
  SubprotocolNotAcceptable: 4406,
  ConnectionInitialisationTimeout: 4408,
  SubscriberAlreadyExists: 4409,
  TooManyInitialisationRequests: 4429,
  InternalServerError: 4500,
} as const;

/** What each code means when `graphql-transport-ws` was agreed (4000-4999 is private use, RFC 6455 §7.4.2). */
export const GRAPHQL_TRANSPORT_WS_CLOSE_CODES: readonly CloseCodeInfo[] = [
  { code: 4400, name: 'Invalid Message', meaning: 'graphql-transport-ws: a message was not valid for the protocol', sendable: true },
  { code: 4401, name: 'Unauthorized', meaning: 'graphql-transport-ws: subscribe was sent before the server acknowledged the connection', sendable: true },
  { code: 4403, name: 'Forbidden', meaning: 'graphql-transport-ws: the server refused the connection_init (authentication failed)', sendable: true },
  {
    code: 4406,
    name: 'Subprotocol Not Acceptable',
    meaning: 'graphql-transport-ws: the server does not accept the offered subprotocol',
    sendable: true,
  },
  {
    code: 4408,
    name: 'Connection Initialisation Timeout',
    meaning: 'graphql-transport-ws: connection_init was not sent, or connection_ack not received, in time',
    sendable: true,
  },
  { code: 4409, name: 'Subscriber Already Exists', meaning: 'graphql-transport-ws: an operation with this id is already running', sendable: true },
  { code: 4429, name: 'Too Many Initialisation Requests', meaning: 'graphql-transport-ws: connection_init was sent more than once', sendable: true },
  { code: 4500, name: 'Internal Server Error', meaning: 'graphql-transport-ws: the server failed while handling a message', sendable: true },
];

function idProblem(type: string, id: unknown): string | undefined {
  if (typeof id !== 'string') return `"${type}" needs a string 'id', got ${kindOf(id)}`;
  if (id === '') return `"${type}" needs a non-empty 'id'`;
  return undefined;
}

/** Why `message` breaks PROTOCOL.md, or undefined when it is valid. */
function problem(message: JsonObject & { type: string }): string | undefined {
  const { type, id, payload } = message;
  switch (type) {
    case 'connection_init':
    case 'connection_ack':
    case 'ping':
    case 'pong':
      return payload != null && !isObject(payload) ? `"${type}" payload is an object, null or absent, got ${kindOf(payload)}` : undefined;
    case 'subscribe':
      return idProblem(type, id) ?? operationPayloadProblem(type, payload);
    case 'next':
      return idProblem(type, id) ?? (isObject(payload) ? undefined : `"next" needs an object 'payload' (an execution result), got ${kindOf(payload)}`);
    case 'error':
      return (
        idProblem(type, id) ??
        (isErrorList(payload) ? undefined : `"error" needs a 'payload' that is a non-empty list of GraphQL errors, got ${JSON.stringify(payload)}`)
      );
    case 'complete':
      return idProblem(type, id);
    default:
      return `unknown message type "${type}"`;
  }
}

/**
 * One text message to a protocol message, checked as PROTOCOL.md says ("Receiving a message of
 * a type or format which is not specified in this document will result in an immediate socket
 * closure with the event 4400: <error-message>").
 */
export function parseGraphqlTransportWs(text: string): ParseResult<GraphqlTransportWsMessage> {
  return parseChecked<GraphqlTransportWsMessage>(text, problem);
}

/** A protocol message as the text frame that carries it. */
export function encodeGraphqlTransportWs(message: GraphqlTransportWsMessage): string {
  return JSON.stringify(message);
}
