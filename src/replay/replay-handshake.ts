/**
 * The handshake a replayed connection makes: where it goes, which subprotocols it offers, and
 * which of the recorded request's headers it sends again.
 */
import type { HandshakeTraceEvent, HeaderPairs } from '../index.js';

/**
 * The URL to replay a recorded connection to. The target gives the scheme, the host and the
 * port. A target with a path of its own (other than `/`) or a query replaces the recorded path
 * and query; a bare target (`ws://localhost:8080`) keeps the recorded ones, so a session recorded
 * at wss://api.example/feed?room=1 replays to ws://localhost:8080/feed?room=1.
 */
export function replayUrl(recorded: string, target: string): string {
  const url = new URL(target);
  if (url.pathname !== '/' || url.search !== '') return url.href;
  const from = new URL(recorded);
  url.pathname = from.pathname;
  url.search = from.search;
  return url.href;
}

/**
 * Headers not sent again: the ones that belong to one hop or one handshake (RFC 9110 §7.6.1
 * Connection and its kin; Host comes from the target; the key, version and extension offer are
 * made anew; the offered subprotocols go as the `protocols` option), and HTTP/2's pseudo-headers.
 */
const NOT_REPLAYED = new Set([
  'host',
  'connection',
  'upgrade',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'content-length',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'sec-websocket-accept',
]);

/** What a recorder writes instead of a secret (src/trace/redact.ts). */
const REDACTED = '[redacted]';

export interface ReplayHandshake {
  headers: HeaderPairs;
  protocols: string[];
  /** Recorded headers that could not be sent again (redacted secrets), for a warning. */
  redacted: string[];
}

/**
 * The recorded request's headers, minus the ones above, with the user's overrides applied: an
 * override replaces every recorded header of its name (names compare case-insensitively), an
 * override with an empty value removes it. `protocols`, when given, replaces the recorded offer.
 */
export function replayHandshake(handshake: HandshakeTraceEvent, overrides: HeaderPairs, protocols?: readonly string[]): ReplayHandshake {
  const overridden = new Set(overrides.map(([name]) => name.toLowerCase()));
  const headers: HeaderPairs = [];
  const redacted: string[] = [];
  for (const [name, value] of handshake.requestHeaders) {
    const lower = name.toLowerCase();
    if (NOT_REPLAYED.has(lower) || lower.startsWith(':') || overridden.has(lower)) continue;
    if (value === REDACTED) {
      redacted.push(name);
      continue;
    }
    headers.push([name, value]);
  }
  for (const [name, value] of overrides) if (value !== '') headers.push([name, value]);
  return { headers, protocols: protocols ? [...protocols] : offeredProtocols(handshake.requestHeaders), redacted };
}

/** RFC 6455 §4.1: Sec-WebSocket-Protocol is a comma-separated list, possibly over several header lines. */
function offeredProtocols(headers: HeaderPairs): string[] {
  const offered = headers
    .filter(([name]) => name.toLowerCase() === 'sec-websocket-protocol')
    .flatMap(([, value]) => value.split(','))
    .map((token) => token.trim())
    .filter((token) => token !== '');
  return [...new Set(offered)];
}
