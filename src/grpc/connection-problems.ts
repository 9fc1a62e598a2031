/**
 * Telling a call that never reached a server from one the server ended: grpc-js reports both as
 * UNAVAILABLE, a missing connection with "No connection established. Last error: ...".
 */
export type ConnectionProblem = 'connect' | 'tls';

const TLS_TROUBLE = /certificate|SSL routines|\bTLS\b|self[- ]signed|unable to verify|altnames|wrong version number|handshake/i;

/** Whether a status (code 14 UNAVAILABLE) says that no connection was made, and whether TLS is why. */
export function connectionProblem(code: number, details: string): ConnectionProblem | undefined {
  if (code !== 14 || !/No connection established|Failed to connect/i.test(details)) return undefined;
  return TLS_TROUBLE.test(details) ? 'tls' : 'connect';
}

/** grpc-js's "No connection established. Last error: Error: X. Resolution note: " as "X". */
export function connectionProblemText(details: string): string {
  const last = /Last error: (?:Error: )?([\s\S]*?)\.?\s*(?:Resolution note:.*)?$/.exec(details.trim());
  const text = (last?.[1] ?? details).split('\n')[0] ?? details;
  // OpenSSL's "807C...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/..." → "wrong version number".
  const openssl = /SSL routines:[^:]*:([^:]+)/.exec(text);
  return openssl?.[1] ?? text;
}
