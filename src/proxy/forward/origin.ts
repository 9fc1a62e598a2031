/**
 * Where a proxied request goes. A request to the proxy names its origin in one of two ways
 * (RFC 9112 §3.2): absolute-form (`GET http://host:port/path`, a plain-HTTP request or a ws://
 * upgrade from a client that knows it talks to a proxy), or origin-form (`GET /path`) on a
 * connection that a CONNECT tunnel (RFC 9110 §9.3.6) already bound to `host:port`.
 */
import { isIP } from 'node:net';

export interface Origin {
  /** `http` for plain connections, `https` for the ones wscope decrypts (--mitm). */
  readonly scheme: 'http' | 'https';
  /** A host name, or an IP address (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
}

/** A request-target the proxy refuses with 400: it names no origin it can reach. */
export class BadProxyRequest extends Error {}

/** `host:port` as a URL's authority: IPv6 addresses in brackets. */
export function authorityOf(origin: Pick<Origin, 'host' | 'port'>): string {
  return `${isIP(origin.host) === 6 ? `[${origin.host}]` : origin.host}:${origin.port}`;
}

/** The Host field for `origin` (RFC 9110 §7.2): the port left out when it is the scheme's default. */
export function hostHeader(origin: Origin): string {
  const authority = authorityOf(origin);
  return origin.port === (origin.scheme === 'https' ? 443 : 80) ? authority.slice(0, authority.lastIndexOf(':')) : authority;
}

/** The URL of `target` (origin-form: path and query) at `origin`, in `scheme` (http, https, ws, wss). */
export function urlAt(origin: Origin, target: string, scheme: string = origin.scheme): URL {
  return new URL(`${scheme}://${authorityOf(origin)}${target}`);
}

/**
 * A CONNECT request's authority-form target (RFC 9112 §3.2.3: `host:port`, the port required;
 * IPv6 in brackets).
 */
export function parseAuthority(target: string): Pick<Origin, 'host' | 'port'> {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:/?#@[\]]+)):(\d{1,5})$/.exec(target);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !(port >= 1 && port <= 65535) || (match?.[1] !== undefined && isIP(host) !== 6)) {
    throw new BadProxyRequest(`CONNECT needs host:port, got '${target}'`);
  }
  return { host, port };
}

/** An absolute-form request-target: `http://host[:port]/path?query` (RFC 9112 §3.2.2). */
export function parseAbsoluteForm(target: string): { origin: Origin; path: string } {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new BadProxyRequest(`not a proxy request: the target '${target}' is not an absolute http:// URL`);
  }
  if (url.protocol !== 'http:' || url.hostname === '' || !/^http:\/\//i.test(target)) {
    throw new BadProxyRequest(`not a proxy request: the target '${target}' is not an absolute http:// URL (https goes through CONNECT)`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { origin: { scheme: 'http', host, port: Number(url.port || 80) }, path: `${url.pathname}${url.search}` };
}
