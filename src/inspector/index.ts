/** The inspector: a page on 127.0.0.1 that shows trace events, live or from a recording. */
export { type Composer, type ComposerMessage, Inspector, type InspectorOptions, SOCKET_PATH } from './server.js';
export { BATCH_MS } from './feed.js';
export { isLoopback } from './guard.js';
export type { ComposedMessage, InspectorMessage, PageCommand } from './wire.js';
