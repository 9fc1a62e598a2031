/** GraphQL over WebSocket: a client session for both subprotocols, query checks, introspection. */
export * from './session.js';
export * from './wire-protocol.js';
export * from './query-check.js';
export * from './introspection.js';
