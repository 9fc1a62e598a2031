/**
 * The header fields a proxy must not forward. RFC 9110 §7.6.1: "Intermediaries MUST parse a
 * received Connection header field before a message is forwarded and, for each connection-option
 * in this field, remove any header or trailer field(s) from the message with the same name as the
 * connection-option, and then remove the Connection header field itself"; and a proxy "SHOULD
 * remove" the fields known to be hop-by-hop even when Connection does not name them. The
 * Proxy-* fields are meant for this proxy (RFC 9110 §11.7), not for the origin.
 */
const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'te', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

/**
 * `rawHeaders` (Node's flat `[name, value, name, value...]`, names as sent, in order) without the
 * hop-by-hop fields, as `[name, value]` pairs. `keep` names fields to leave in even so (the
 * Upgrade and Connection of a WebSocket handshake the relay still has to see).
 */
export function endToEndHeaders(rawHeaders: readonly string[], keep: readonly string[] = []): Array<[string, string]> {
  const drop = new Set(HOP_BY_HOP);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() !== 'connection') continue;
    for (const option of (rawHeaders[i + 1] ?? '').split(',')) drop.add(option.trim().toLowerCase());
  }
  for (const name of keep) drop.delete(name.toLowerCase());
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (!drop.has(name.toLowerCase())) pairs.push([name, rawHeaders[i + 1] as string]);
  }
  return pairs;
}

/**
 * RFC 9110 §7.6.3: "A proxy MUST send an appropriate Via header field ... in each message that it
 * forwards": the received protocol and our name, added to any Via already there.
 */
export function withVia(pairs: Array<[string, string]>, httpVersion: string): Array<[string, string]> {
  return [...pairs, ['Via', `${httpVersion} wscope`]];
}

/** `[name, value]` pairs as the flat list Node's writeHead and request take, order and case kept. */
export function flatHeaders(pairs: ReadonlyArray<readonly [string, string]>): string[] {
  return pairs.flat();
}
