/** The subprotocols that ride on WebSocket and that wscope decodes: pure codecs, no sockets. */
export * from './graphql-transport-ws.js';
export * from './graphql-ws-legacy.js';
export type { GraphqlExecutionResult, GraphqlFormattedError, GraphqlOperationPayload, JsonObject, ParseResult } from './json-shape.js';
