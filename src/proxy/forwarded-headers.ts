/**
 * Which headers cross the proxy. RFC 9110 §7.6.1: hop-by-hop fields (Connection and the ones it
 * names, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade) belong to one connection and
 * are not forwarded. The handshake's own fields are each leg's: Sec-WebSocket-Key/-Accept/-Version
 * are made per leg, -Extensions negotiated per leg (deflate-agreement.ts), -Protocol offered from
 * the client's list. Everything else (Origin, Cookie, Authorization, User-Agent...) goes on as sent.
 */

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const PER_LEG = new Set([
  'host',
  'content-length',
  'sec-websocket-key',
  'sec-websocket-accept',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
]);

/** `rawHeaders` as Node gives them (name, value, name, value...) → the pairs the upstream request carries. */
export function upstreamRequestHeaders(rawHeaders: readonly string[]): Array<[string, string]> {
  const pairs = pairsOf(rawHeaders);
  const named = connectionNamed(pairs);
  return pairs.filter(([name]) => {
    const key = name.toLowerCase();
    return !HOP_BY_HOP.has(key) && !PER_LEG.has(key) && !named.has(key);
  });
}

/** The upstream's 101 headers worth passing to the client in ours (Set-Cookie, its own X-…): all but the handshake's and hop-by-hop ones. */
export function acceptedResponseHeaders(headers: Map<string, string[]> | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, values] of headers ?? []) {
    if (HOP_BY_HOP.has(name) || PER_LEG.has(name)) continue;
    for (const value of values) out.push([name, value]);
  }
  return out;
}

/** A refusal's headers for the client: the upstream's, but its framing, which the proxy redoes (Content-Length, Connection: close). */
export function refusalHeaders(rawHeaders: ReadonlyArray<[string, string]>): Array<[string, string]> {
  const named = connectionNamed(rawHeaders);
  return rawHeaders.filter(([name]) => {
    const key = name.toLowerCase();
    return !HOP_BY_HOP.has(key) && key !== 'content-length' && !named.has(key);
  });
}

function pairsOf(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/** RFC 9110 §7.6.1: "Connection: close, X-Foo" makes X-Foo hop-by-hop as well. */
function connectionNamed(pairs: ReadonlyArray<[string, string]>): Set<string> {
  const named = new Set<string>();
  for (const [name, value] of pairs) {
    if (name.toLowerCase() !== 'connection') continue;
    for (const token of value.split(',')) if (token.trim()) named.add(token.trim().toLowerCase());
  }
  return named;
}
