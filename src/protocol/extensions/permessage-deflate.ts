import { HandshakeError } from '../errors.js';
import { isToken } from '../http-head.js';

/**
 * permessage-deflate negotiation (RFC 7692 §5, §7.1): parse the Sec-WebSocket-Extensions
 * header, choose an offer as a server, build an offer and check the answer as a client.
 * Both roles end with the same `DeflateParams`; compressing is the adapter's job.
 */

export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/** One element of an extension list: a name and its parameters in order; `true` for a bare one. */
export interface ExtensionElement {
  name: string;
  params: Array<[string, string | true]>;
}

/**
 * RFC 6455 §9.1:
 *   extension-list = 1#extension
 *   extension = extension-token *( ";" extension-param )
 *   extension-param = token [ "=" (token | quoted-string) ]
 * "When using the quoted-string syntax variant, the value after quoted-string unescaping MUST
 * conform to the 'token' ABNF." Empty list elements are skipped (RFC 9110 §5.6.1). One pass,
 * no regular expressions: the header comes from the peer. Throws SyntaxError.
 */
export function parseExtensions(header: string): ExtensionElement[] {
  const elements: ExtensionElement[] = [];
  let pos = 0;
  const length = header.length;
  const skipOws = () => {
    while (pos < length && (header.charCodeAt(pos) === 0x20 || header.charCodeAt(pos) === 0x09)) pos++;
  };
  const readToken = (what: string): string => {
    const start = pos;
    while (pos < length && isTokenChar(header.charCodeAt(pos))) pos++;
    if (pos === start) throw new SyntaxError(`expected ${what} at offset ${start}`);
    return header.slice(start, pos);
  };
  const readQuoted = (): string => {
    const start = pos;
    pos++; // the opening quote
    let value = '';
    while (pos < length) {
      const c = header.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        // RFC 6455 §9.1: the unescaped value must still be a token.
        if (!isToken(value)) throw new SyntaxError(`quoted value at offset ${start} is not a token`);
        return value;
      }
      if (c === 0x5c) pos++; // quoted-pair: take the next character as it is
      if (pos >= length) break;
      value += header[pos];
      pos++;
    }
    throw new SyntaxError(`unterminated quoted string at offset ${start}`);
  };

  while (pos < length) {
    skipOws();
    if (pos >= length) break;
    if (header.charCodeAt(pos) === 0x2c) {
      pos++;
      continue;
    }
    const element: ExtensionElement = { name: readToken('an extension name'), params: [] };
    skipOws();
    while (pos < length && header.charCodeAt(pos) === 0x3b) {
      pos++;
      skipOws();
      const name = readToken('a parameter name');
      skipOws();
      let value: string | true = true;
      if (pos < length && header.charCodeAt(pos) === 0x3d) {
        pos++;
        skipOws();
        value = header.charCodeAt(pos) === 0x22 ? readQuoted() : readToken(`a value for ${name}`);
        skipOws();
      }
      element.params.push([name, value]);
    }
    elements.push(element);
    if (pos < length) {
      if (header.charCodeAt(pos) !== 0x2c) throw new SyntaxError(`unexpected character at offset ${pos}`);
      pos++;
    }
  }
  return elements;
}

const TOKEN_CHARS = new Uint8Array(128);
for (let c = 0; c < 128; c++) TOKEN_CHARS[c] = isToken(String.fromCharCode(c)) ? 1 : 0;

function isTokenChar(c: number): boolean {
  return TOKEN_CHARS[c] === 1;
}

export function formatExtension(element: ExtensionElement): string {
  return [element.name, ...element.params.map(([name, value]) => (value === true ? name : `${name}=${value}`))].join('; ');
}

/** What both ends agreed; window bits are 15 when the header left them out. */
export interface DeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number;
}

/**
 * Negotiation options, the same shape for both roles (RFC 7692 §7.1).
 *
 * As a client, each option is put in the offer:
 * - serverNoContextTakeover / clientNoContextTakeover: ask for, or announce, a context reset per message;
 * - serverMaxWindowBits: the largest window the server may compress with;
 * - clientMaxWindowBits: a number caps our own window; `true` (the default) says we support the
 *   parameter so the server may pick one; `false` leaves it out.
 *
 * As a server:
 * - serverNoContextTakeover / clientNoContextTakeover: always require it in the response
 *   (a client that asks for either gets it anyway);
 * - serverMaxWindowBits: our window, lowered further when the client asks for less;
 * - clientMaxWindowBits: a number caps the client's window, and declines offers that do not let
 *   us say so (no `client_max_window_bits` in them): that is what bounds our inflate memory.
 */
export interface PerMessageDeflateOptions {
  serverNoContextTakeover?: boolean;
  clientNoContextTakeover?: boolean;
  serverMaxWindowBits?: number;
  clientMaxWindowBits?: number | boolean;
}

/** Refuse option values no header could carry, before any connection is made. */
export function checkDeflateOptions(options: PerMessageDeflateOptions): void {
  for (const key of ['serverMaxWindowBits', 'clientMaxWindowBits'] as const) {
    const value = options[key];
    if (value === undefined || typeof value === 'boolean') continue;
    if (!Number.isInteger(value) || value < 8 || value > 15) throw new RangeError(`${key} must be an integer from 8 to 15, got ${value}`);
  }
}

type RawParams = {
  server_no_context_takeover?: true;
  client_no_context_takeover?: true;
  server_max_window_bits?: number;
  client_max_window_bits?: number | true;
};

/**
 * RFC 7692 §5: an offer or response is invalid with "an extension parameter not defined for
 * use in" it, "an extension parameter with an invalid value", or "multiple extension
 * parameters with the same name". Returns the reason, or the parameters.
 */
function readParams(params: ExtensionElement['params'], role: 'offer' | 'response'): RawParams | string {
  const out: RawParams = {};
  for (const [name, value] of params) {
    if (Object.hasOwn(out, name)) return `duplicate parameter ${name}`;
    switch (name) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== true) return `${name} takes no value`;
        out[name] = true;
        break;
      case 'server_max_window_bits':
      case 'client_max_window_bits': {
        // §7.1.2.2: only the client's offer may carry client_max_window_bits without a value.
        if (value === true) {
          if (name === 'client_max_window_bits' && role === 'offer') {
            out[name] = true;
            break;
          }
          return `${name} needs a value`;
        }
        const bits = parseWindowBits(value);
        if (bits === undefined) return `invalid ${name} value ${JSON.stringify(value)}`;
        out[name] = bits;
        break;
      }
      default:
        return `unknown parameter ${name}`;
    }
  }
  return out;
}

/** §7.1.2.1: "a decimal integer value without leading zeroes between 8 to 15, inclusive". */
function parseWindowBits(value: string): number | undefined {
  if (!/^(?:[89]|1[0-5])$/.test(value)) return undefined;
  return Number(value);
}

export interface AcceptedOffer {
  params: DeflateParams;
  /** The element for the 101 response's Sec-WebSocket-Extensions. */
  response: string;
}

/**
 * The server's choice: the first permessage-deflate offer it can accept, or undefined when
 * none (the connection then goes on uncompressed). Invalid offers are declined one by one
 * (RFC 7692 §5); a header that breaks the RFC 6455 grammar fails the handshake with 400.
 */
export function acceptDeflateOffer(header: string, options: PerMessageDeflateOptions = {}): AcceptedOffer | undefined {
  let elements: ExtensionElement[];
  try {
    elements = parseExtensions(header);
  } catch (error) {
    throw new HandshakeError('WS_ERR_INVALID_EXTENSION', 400, `invalid Sec-WebSocket-Extensions header: ${(error as Error).message}`);
  }
  for (const element of elements) {
    if (element.name !== PERMESSAGE_DEFLATE) continue;
    const offer = readParams(element.params, 'offer');
    if (typeof offer === 'string') continue;
    const accepted = acceptParams(offer, options);
    if (accepted) return accepted;
  }
  return undefined;
}

function acceptParams(offer: RawParams, options: PerMessageDeflateOptions): AcceptedOffer | undefined {
  const response: ExtensionElement = { name: PERMESSAGE_DEFLATE, params: [] };
  // §7.1.1.1: a server accepting an offer with server_no_context_takeover includes it; it may also add it unasked.
  const serverNoContextTakeover = offer.server_no_context_takeover === true || options.serverNoContextTakeover === true;
  // §7.1.1.2: the client's own client_no_context_takeover is a promise; echoing it makes the response the whole agreement.
  const clientNoContextTakeover = offer.client_no_context_takeover === true || options.clientNoContextTakeover === true;
  if (serverNoContextTakeover) response.params.push(['server_no_context_takeover', true]);
  if (clientNoContextTakeover) response.params.push(['client_no_context_takeover', true]);

  // §7.1.2.1: asked for, the answer MUST carry a value no larger; unasked, the server MAY lower its own window.
  const ourServerBits = typeof options.serverMaxWindowBits === 'number' ? options.serverMaxWindowBits : undefined;
  const serverMaxWindowBits = Math.min(offer.server_max_window_bits ?? 15, ourServerBits ?? 15);
  if (offer.server_max_window_bits !== undefined || ourServerBits !== undefined) {
    response.params.push(['server_max_window_bits', String(serverMaxWindowBits)]);
  }

  // §7.1.2.2: "If a received extension negotiation offer doesn't have the client_max_window_bits
  // extension parameter, the corresponding extension negotiation response to the offer MUST NOT
  // include the client_max_window_bits extension parameter."
  const wanted = typeof options.clientMaxWindowBits === 'number' ? options.clientMaxWindowBits : undefined;
  const offered = offer.client_max_window_bits;
  let clientMaxWindowBits = 15;
  if (offered === undefined) {
    if (wanted !== undefined) return undefined;
  } else {
    const limit = Math.min(offered === true ? 15 : offered, wanted ?? 15);
    if (limit < 15 || offered !== true) {
      clientMaxWindowBits = limit;
      response.params.push(['client_max_window_bits', String(limit)]);
    }
  }
  return {
    params: { serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits },
    response: formatExtension(response),
  };
}

/** The client's Sec-WebSocket-Extensions offer for these options. */
export function buildDeflateOffer(options: PerMessageDeflateOptions = {}): string {
  checkDeflateOptions(options);
  const element: ExtensionElement = { name: PERMESSAGE_DEFLATE, params: [] };
  if (options.serverNoContextTakeover) element.params.push(['server_no_context_takeover', true]);
  if (options.clientNoContextTakeover) element.params.push(['client_no_context_takeover', true]);
  if (options.serverMaxWindowBits !== undefined) element.params.push(['server_max_window_bits', String(options.serverMaxWindowBits)]);
  const clientBits = options.clientMaxWindowBits ?? true;
  if (clientBits !== false) element.params.push(['client_max_window_bits', clientBits === true ? true : String(clientBits)]);
  return formatExtension(element);
}

/**
 * The client's check of the server's answer to `buildDeflateOffer(options)`. Returns undefined when
 * the server declined (no header), the agreed parameters otherwise; anything the offer did not
 * allow fails the connection (RFC 6455 §9.1, RFC 7692 §5) with a HandshakeError carrying `status`.
 */
export function checkDeflateResponse(header: string, options: PerMessageDeflateOptions = {}, status = 101): DeflateParams | undefined {
  const fail = (message: string) => new HandshakeError('WS_ERR_INVALID_EXTENSION', status, `invalid Sec-WebSocket-Extensions response: ${message}`);
  let elements: ExtensionElement[];
  try {
    elements = parseExtensions(header);
  } catch (error) {
    throw fail((error as Error).message);
  }
  if (elements.length === 0) return undefined;
  const [element] = elements;
  if (elements.length > 1 || element!.name !== PERMESSAGE_DEFLATE) {
    throw fail(elements.length > 1 ? 'more than one extension accepted, one was offered' : `extension ${element!.name} was not offered`);
  }
  const response = readParams(element!.params, 'response');
  if (typeof response === 'string') throw fail(response);

  if (options.serverNoContextTakeover && !response.server_no_context_takeover) {
    throw fail('server_no_context_takeover was requested and is missing');
  }
  const askedServerBits = options.serverMaxWindowBits;
  const serverBits = response.server_max_window_bits;
  if (askedServerBits !== undefined) {
    // §7.1.2.1: the server MUST answer with a value no larger than the one offered.
    if (serverBits === undefined) throw fail('server_max_window_bits was requested and is missing');
    if (serverBits > askedServerBits) throw fail(`server_max_window_bits=${serverBits} is larger than the ${askedServerBits} requested`);
  }
  const offeredClientBits = options.clientMaxWindowBits ?? true;
  // readParams refuses a bare client_max_window_bits in a response: here it is a number or absent.
  const clientBits = typeof response.client_max_window_bits === 'number' ? response.client_max_window_bits : undefined;
  if (clientBits !== undefined) {
    // §7.1.2.2: the server may only answer with it when the client offered it.
    if (offeredClientBits === false) throw fail('client_max_window_bits was not offered');
    if (typeof offeredClientBits === 'number' && clientBits > offeredClientBits) {
      throw fail(`client_max_window_bits=${clientBits} is larger than the ${offeredClientBits} offered`);
    }
  }
  return {
    serverNoContextTakeover: response.server_no_context_takeover === true,
    // §7.1.1.2: the server may add it unasked, and the client must then reset its context.
    clientNoContextTakeover: response.client_no_context_takeover === true || options.clientNoContextTakeover === true,
    serverMaxWindowBits: serverBits ?? 15,
    clientMaxWindowBits: clientBits ?? (typeof offeredClientBits === 'number' ? offeredClientBits : 15),
  };
}

/** Which negotiated values apply to this end's compressor and decompressor. */
export function localDeflateParams(
  params: DeflateParams,
  role: 'client' | 'server',
): {
  deflateNoContextTakeover: boolean;
  deflateWindowBits: number;
  inflateNoContextTakeover: boolean;
  inflateWindowBits: number;
} {
  const server = role === 'server';
  return {
    deflateNoContextTakeover: server ? params.serverNoContextTakeover : params.clientNoContextTakeover,
    deflateWindowBits: server ? params.serverMaxWindowBits : params.clientMaxWindowBits,
    inflateNoContextTakeover: server ? params.clientNoContextTakeover : params.serverNoContextTakeover,
    inflateWindowBits: server ? params.clientMaxWindowBits : params.serverMaxWindowBits,
  };
}
