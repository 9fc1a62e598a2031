import { GRAPHQL_TRANSPORT_WS, GRAPHQL_TRANSPORT_WS_CLOSE_CODES } from './subprotocols/graphql-transport-ws.js';

/**
 * The close code registry (RFC 6455 §7.4 and the IANA "WebSocket Close Code Number Registry").
 * One table answers two questions: what a code means, and whether it may travel in a Close frame.
 */
export interface CloseCodeInfo {
  code: number;
  name: string;
  meaning: string;
  /** May an endpoint put this code in a Close frame? (RFC 6455 §7.4.1, §7.4.2) */
  sendable: boolean;
}

const REGISTERED: readonly CloseCodeInfo[] = [
  { code: 1000, name: 'Normal Closure', meaning: 'the purpose for which the connection was established has been fulfilled', sendable: true },
  { code: 1001, name: 'Going Away', meaning: 'an endpoint is going away, such as a server going down or a browser navigating away', sendable: true },
  { code: 1002, name: 'Protocol Error', meaning: 'the endpoint received a frame that breaks the WebSocket protocol', sendable: true },
  { code: 1003, name: 'Unsupported Data', meaning: 'the endpoint received a type of data it cannot accept', sendable: true },
  { code: 1004, name: 'Reserved', meaning: 'reserved; a meaning might be defined in the future', sendable: false },
  { code: 1005, name: 'No Status Rcvd', meaning: 'the Close frame carried no status code (never sent on the wire)', sendable: false },
  { code: 1006, name: 'Abnormal Closure', meaning: 'the connection closed without a Close frame (never sent on the wire)', sendable: false },
  {
    code: 1007,
    name: 'Invalid Frame Payload Data',
    meaning: 'a message contained data inconsistent with its type, such as invalid UTF-8 in a text message',
    sendable: true,
  },
  { code: 1008, name: 'Policy Violation', meaning: 'the endpoint received a message that violates its policy', sendable: true },
  { code: 1009, name: 'Message Too Big', meaning: 'a message was too big for the endpoint to process', sendable: true },
  { code: 1010, name: 'Mandatory Extension', meaning: 'the client expected the server to negotiate an extension it did not', sendable: true },
  { code: 1011, name: 'Internal Error', meaning: 'the server met an unexpected condition that kept it from fulfilling the request', sendable: true },
  { code: 1012, name: 'Service Restart', meaning: 'the service is restarting', sendable: true },
  { code: 1013, name: 'Try Again Later', meaning: 'the server is overloaded; try again later', sendable: true },
  {
    code: 1014,
    name: 'Bad Gateway',
    meaning: 'the server was acting as a gateway or proxy and received an invalid response from the upstream server',
    sendable: true,
  },
  { code: 1015, name: 'TLS Handshake', meaning: 'the TLS handshake failed (never sent on the wire)', sendable: false },
  { code: 3000, name: 'Unauthorized', meaning: 'the endpoint is not authorized to use the resource', sendable: true },
  { code: 3003, name: 'Forbidden', meaning: 'the endpoint is authorized but not allowed to use the resource', sendable: true },
];

const BY_CODE = new Map(REGISTERED.map((info) => [info.code, info]));

/**
 * Codes of the private-use range (4000-4999) that an agreed subprotocol gives a meaning to: the
 * same number means something else, or nothing, on another subprotocol.
 */
const BY_SUBPROTOCOL: ReadonlyMap<string, ReadonlyMap<number, CloseCodeInfo>> = new Map([
  [GRAPHQL_TRANSPORT_WS, new Map(GRAPHQL_TRANSPORT_WS_CLOSE_CODES.map((info) => [info.code, info]))],
]);

export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  NoStatus: 1005,
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
  TlsHandshake: 1015,
} as const;

/** Every registered code, in order: for help texts and tests. */
export function registeredCloseCodes(): readonly CloseCodeInfo[] {
  return REGISTERED;
}

/**
 * Describe any integer as a close code. Unregistered numbers get the meaning of their range,
 * so a tester always sees why a code is or is not allowed. With the subprotocol the handshake
 * agreed (`Sec-WebSocket-Protocol`), that subprotocol's own codes get their meaning.
 */
export function describeCloseCode(code: number, subprotocol?: string): CloseCodeInfo {
  const own = subprotocol ? BY_SUBPROTOCOL.get(subprotocol)?.get(code) : undefined;
  if (own) return own;
  const known = BY_CODE.get(code);
  if (known) return known;
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) {
    return { code, name: 'Invalid', meaning: 'not a 16-bit close code', sendable: false };
  }
  if (code < 1000) {
    return { code, name: 'Invalid', meaning: 'codes below 1000 are not used (RFC 6455 §7.4.2)', sendable: false };
  }
  if (code <= 2999) {
    // RFC 6455 §7.4.2: 1000-2999 are reserved for this protocol, its revisions and extensions.
    return { code, name: 'Unassigned', meaning: 'reserved for the WebSocket protocol; not assigned', sendable: false };
  }
  if (code <= 3999) {
    return { code, name: 'Unassigned', meaning: 'registered with IANA for libraries, frameworks and applications; not assigned', sendable: true };
  }
  if (code <= 4999) {
    return { code, name: 'Private Use', meaning: 'reserved for private use by applications', sendable: true };
  }
  return { code, name: 'Invalid', meaning: 'codes 5000 and above are not defined (RFC 6455 §7.4.2)', sendable: false };
}

/** May this code appear in a Close frame on the wire? Used both to refuse sending and to fail on receipt. */
export function isSendableCloseCode(code: number): boolean {
  return describeCloseCode(code).sendable;
}

/** `1008 Policy Violation` — the short form the CLI and logs print. */
export function formatCloseCode(code: number, subprotocol?: string): string {
  return `${code} ${describeCloseCode(code, subprotocol).name}`;
}
