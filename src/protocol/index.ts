/** The pure protocol core: bytes and values only, no sockets, timers or zlib. */
export * from './opcodes.js';
export * from './close-codes.js';
export * from './errors.js';
export * from './frame.js';
export * from './mask.js';
export * from './utf8.js';
export * from './http-head.js';
export * from './handshake.js';
export * from './close-frame.js';
export * from './mask-key.js';
export * from './connection.js';
export * from './extensions/permessage-deflate.js';
export * from './subprotocols/index.js';
