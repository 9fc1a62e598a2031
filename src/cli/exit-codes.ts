import { isTlsError } from './connect-problems.js';

/**
 * What a script learns from wscope's exit status. One table: the help text, README and the
 * mapping from outcomes to codes all read it.
 */
export const ExitCode = {
  /** Closed with 1000 Normal Closure, 1001 Going Away or 1005 (a Close frame without a code); listen mode stopped by the user. */
  Normal: 0,
  /** Something unexpected inside wscope, or stdin could not be read to its end. */
  Internal: 1,
  /** A bad flag or argument. */
  Usage: 2,
  /** No TCP connection: refused, unreachable, unknown host, timed out. */
  ConnectFailed: 3,
  /** The server answered, but not with 101 Switching Protocols. */
  HandshakeFailed: 4,
  /** TLS failed: bad or untrusted certificate, not a TLS server. */
  TlsFailed: 5,
  /** The connection ended without a closing handshake (1006), heartbeat timeouts included. */
  ConnectionLost: 6,
  /** The peer broke RFC 6455 and wscope failed the connection (1002, 1007, 1009...). */
  ProtocolError: 7,
  /** A closing handshake with any other code (1008, 1011, 4001...). */
  ClosedWithError: 8,
  /** Listen mode could not listen (port in use, no permission). */
  ListenFailed: 9,
  /** replay --compare: a reply differed from the recorded one (the first difference is printed). */
  ReplayMismatch: 10,
  /** run: a scenario's check failed (a message, a close code or a timeout was not what was expected). */
  CheckFailed: 11,
  /** A file could not be read or is not valid (a recording, a scenario or collection file). */
  BadFile: 12,
  /** graphql: a result carried GraphQL `errors`, or the server sent an `error` message for an operation. */
  GraphqlErrors: 13,
  /** load: a `--threshold` was not met (the summary names it). */
  ThresholdFailed: 14,
} as const;

/**
 * grpc: a call that ended with gRPC status N (1..16) exits with 64 + N, as grpcurl does, so a
 * script can tell NOT_FOUND (69) from UNAVAILABLE (78) without parsing output.
 */
export type GrpcStatusExitCode = 65 | 66 | 67 | 68 | 69 | 70 | 71 | 72 | 73 | 74 | 75 | 76 | 77 | 78 | 79 | 80;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode] | GrpcStatusExitCode;

/** The exit status for a gRPC call that ended with `status` (0 OK; unknown codes count as 2 UNKNOWN). */
export function exitCodeForGrpcStatus(status: number): ExitCode {
  if (status === 0) return ExitCode.Normal;
  const known = Number.isInteger(status) && status >= 1 && status <= 16 ? status : 2;
  return (64 + known) as GrpcStatusExitCode;
}

export const EXIT_CODE_TABLE: ReadonlyArray<[ExitCode | string, string]> = [
  [ExitCode.Normal, 'closed normally: 1000, 1001 or 1005 (no code); listen mode stopped'],
  [ExitCode.Internal, 'internal error in wscope, or stdin failed before its end'],
  [ExitCode.Usage, 'bad flag or argument'],
  [ExitCode.ConnectFailed, 'could not connect: refused, unreachable, unknown host, timeout'],
  [ExitCode.HandshakeFailed, 'handshake failed: the server did not answer 101 (status printed)'],
  [ExitCode.TlsFailed, 'TLS failed: untrusted or invalid certificate, not a TLS server'],
  [ExitCode.ConnectionLost, 'connection lost without a closing handshake (1006), heartbeat timeout'],
  [ExitCode.ProtocolError, 'the peer broke the protocol; wscope closed with 1002/1007/1009...'],
  [ExitCode.ClosedWithError, 'closed with another code (1008, 1011, 4001...)'],
  [ExitCode.ListenFailed, 'listen mode could not listen (port in use, permission)'],
  [ExitCode.ReplayMismatch, 'replay --compare: a reply differed from the recording'],
  [ExitCode.CheckFailed, 'run: a scenario check failed'],
  [ExitCode.BadFile, 'a recording, scenario or collection file could not be read or is invalid'],
  [ExitCode.GraphqlErrors, 'graphql: a result had errors, or the server sent an error for an operation'],
  [ExitCode.ThresholdFailed, 'load: a --threshold was not met'],
  ['65-80', 'grpc: the call ended with gRPC status 64+N (69 NOT_FOUND, 78 UNAVAILABLE, 80 UNAUTHENTICATED...)'],
];

/** The exit status for a connection that opened and then closed with `code`. */
export function exitCodeForClose(code: number, failedByUs: boolean): ExitCode {
  if (failedByUs) return ExitCode.ProtocolError;
  if (code === 1000 || code === 1001 || code === 1005) return ExitCode.Normal;
  if (code === 1006) return ExitCode.ConnectionLost;
  return ExitCode.ClosedWithError;
}

/** The exit status for a connection that never opened. */
export function exitCodeForConnectError(error: Error): ExitCode {
  if (error.name === 'HandshakeError') return ExitCode.HandshakeFailed;
  if (isTlsError(error)) return ExitCode.TlsFailed;
  if ((error as { code?: unknown }).code === 'WS_ERR_HANDSHAKE_CLOSED') return ExitCode.HandshakeFailed;
  return ExitCode.ConnectFailed;
}
