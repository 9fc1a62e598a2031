/** The trace model: events of a connection's life as JSON, their payload rule, redaction, and JSONL. */
export * from './events.js';
export { encodePayload, decodePayload } from './payload.js';
export { redactEvent, redactHeaders, redactUrl, redactUrlPasswords, SECRET_HEADERS } from './redact.js';
export { TraceFormatError, validateTraceEvent, type TraceReadOptions } from './validate.js';
export { encodeTraceLine, encodeJsonl, parseTraceLine, decodeJsonl } from './jsonl.js';
export { HarBuilder, harFromEvents, HAR_DIRECTIONS_COMMENT } from './har-write.js';
export type * from './har-write.js';
export { HarFormatError, isWebSocketEntry, readHar } from './har-read.js';
