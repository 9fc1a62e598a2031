/**
 * permessage-deflate across the proxy (RFC 7692), negotiated on each leg by that leg's own ends,
 * yet chosen so that a compressed frame can be relayed as it came, bytes untouched, fragments
 * kept: the upstream leg offers what the client offered, and the client leg answers within what
 * the upstream agreed. Then, in each direction, the far end's decompressor can read what the
 * near end's compressor wrote:
 *
 * - its window is at least the compressor's (server → client: the client leg keeps the window the
 *   client asked for, and the upstream was asked for no more; client → server: the client is held
 *   to the window the upstream agreed, or to 15 when the client left `client_max_window_bits` out,
 *   and then the upstream could not lower it either, §7.1.2.2);
 * - it keeps its LZ77 context only if the compressor does (a compressor that resets is read by
 *   any decompressor; the client is asked to reset whenever the upstream resets its context for
 *   client messages, and `server_no_context_takeover` reaches the client only when the upstream
 *   agreed to it).
 *
 * The proxy never sends a data message of its own, so each decompressor sees exactly the
 * compressed messages the compressor wrote, in order: the contexts stay in step.
 */
import { parseExtensions, type DeflateParams, type PerMessageDeflateOptions } from '../index.js';

const NAME = 'permessage-deflate';

/** The upstream offer for a client's `Sec-WebSocket-Extensions`: false when it offered no permessage-deflate we can read. */
export function upstreamOffer(clientOffer: string | undefined): PerMessageDeflateOptions | false {
  const params = firstDeflateElement(clientOffer);
  if (!params) return false;
  const offer: PerMessageDeflateOptions = { clientMaxWindowBits: false };
  for (const [name, value] of params) {
    if (name === 'server_no_context_takeover') offer.serverNoContextTakeover = true;
    else if (name === 'client_no_context_takeover') offer.clientNoContextTakeover = true;
    else if (name === 'server_max_window_bits' && value !== true) offer.serverMaxWindowBits = Number(value);
    else if (name === 'client_max_window_bits') offer.clientMaxWindowBits = value === true ? true : Number(value);
  }
  return offer;
}

/** The client leg's negotiation, given what the upstream agreed (undefined: it declined, so the client leg declines too). */
export function clientLegDeflate(upstream: DeflateParams | undefined): PerMessageDeflateOptions | false {
  if (!upstream) return false;
  return {
    ...(upstream.serverNoContextTakeover && { serverNoContextTakeover: true }),
    ...(upstream.clientNoContextTakeover && { clientNoContextTakeover: true }),
    ...(upstream.clientMaxWindowBits < 15 && { clientMaxWindowBits: upstream.clientMaxWindowBits }),
  };
}

/** What a leg's `extensions` (the agreed Sec-WebSocket-Extensions) says, window bits 15 where left out. */
export function agreedDeflate(extensions: string): DeflateParams | undefined {
  const params = firstDeflateElement(extensions);
  if (!params) return undefined;
  const bits = (name: string) => {
    const value = params.find(([key]) => key === name)?.[1];
    return typeof value === 'string' ? Number(value) : 15;
  };
  return {
    serverNoContextTakeover: params.some(([key]) => key === 'server_no_context_takeover'),
    clientNoContextTakeover: params.some(([key]) => key === 'client_no_context_takeover'),
    serverMaxWindowBits: bits('server_max_window_bits'),
    clientMaxWindowBits: bits('client_max_window_bits'),
  };
}

function firstDeflateElement(header: string | undefined): Array<[string, string | true]> | undefined {
  if (!header) return undefined;
  try {
    return parseExtensions(header).find((element) => element.name === NAME)?.params;
  } catch {
    // A header that breaks the grammar: the client leg's server refuses it with 400 anyway.
    return undefined;
  }
}
