/** wscope: an RFC 6455 WebSocket engine with a Node client and server. */
export { WebSocket } from './node/websocket.js';
export type {
  ClientOptions,
  SocketOptions,
  SendOptions,
  SendData,
  ObservedFrame,
  MessageInfo,
  HeartbeatOptions,
  DeflateTuning,
  PerMessageDeflateSetting,
} from './node/socket-types.js';
export { connect } from './node/connect.js';
export { TRACE_CHANNEL, setTraceOptions, type TraceOptions } from './node/trace-channel.js';
export { traceConnectionId } from './node/trace-socket.js';
export * from './trace/index.js';
export { RedirectError } from './node/client-handshake.js';
export { WebSocketServer, type ServerOptions, type HandshakeRequest, type AcceptDecision } from './node/server.js';
export { zlibLimiter } from './node/deflate.js';
export type { PerMessageDeflateOptions, DeflateParams } from './protocol/extensions/permessage-deflate.js';
export type { MessageEvent, CloseEvent, ErrorEvent, BinaryType } from './node/whatwg-events.js';
export {
  CloseCode,
  describeCloseCode,
  formatCloseCode,
  isSendableCloseCode,
  registeredCloseCodes,
  type CloseCodeInfo,
} from './protocol/close-codes.js';
export { ProtocolError, HandshakeError } from './protocol/errors.js';
export * from './protocol/subprotocols/index.js';
export { Opcode, opcodeName } from './protocol/opcodes.js';
export type { FrameInfo } from './protocol/connection.js';
export type { OutgoingFrame } from './protocol/frame.js';
export { parseExtensions, type ExtensionElement } from './protocol/extensions/permessage-deflate.js';
export type { RefusedResponse } from './node/refused-response.js';
