import { CloseCode } from './close-codes.js';

/**
 * Every way the peer can break the protocol, with the close code it earns.
 * This table is the one place that maps a failure to a close code (STYLE.md habit 2).
 */
export const ERRORS = {
  WS_ERR_INVALID_OPCODE: CloseCode.ProtocolError,
  WS_ERR_UNEXPECTED_RSV_1: CloseCode.ProtocolError,
  WS_ERR_UNEXPECTED_RSV_2_3: CloseCode.ProtocolError,
  WS_ERR_EXPECTED_MASK: CloseCode.ProtocolError,
  WS_ERR_UNEXPECTED_MASK: CloseCode.ProtocolError,
  WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH: CloseCode.ProtocolError,
  WS_ERR_FRAGMENTED_CONTROL_FRAME: CloseCode.ProtocolError,
  WS_ERR_UNEXPECTED_CONTINUATION: CloseCode.ProtocolError,
  WS_ERR_EXPECTED_CONTINUATION: CloseCode.ProtocolError,
  WS_ERR_NON_MINIMAL_LENGTH: CloseCode.ProtocolError,
  WS_ERR_INVALID_PAYLOAD_LENGTH: CloseCode.ProtocolError,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: CloseCode.MessageTooBig,
  WS_ERR_INVALID_CLOSE_CODE: CloseCode.ProtocolError,
  WS_ERR_INVALID_CLOSE_PAYLOAD: CloseCode.ProtocolError,
  WS_ERR_DATA_AFTER_CLOSE: CloseCode.ProtocolError,
  WS_ERR_INVALID_UTF8: CloseCode.InvalidPayload,
  WS_ERR_MESSAGE_TOO_BIG: CloseCode.MessageTooBig,
  WS_ERR_INVALID_COMPRESSED_DATA: CloseCode.InvalidPayload,
  WS_ERR_INTERNAL: CloseCode.InternalError,
} as const;

export type ProtocolErrorCode = keyof typeof ERRORS;

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  readonly closeCode: number;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtocolError';
    this.code = code;
    this.closeCode = ERRORS[code];
  }
}

/** Raised by the handshake checks: what went wrong and the HTTP status to answer with. */
export class HandshakeError extends Error {
  readonly code: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: string, status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HandshakeError';
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}
