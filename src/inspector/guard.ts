/**
 * Who may reach the inspector: a page that can send on a live socket must not be reachable by
 * another site or another user. Three checks, each answered with 403: the random token of the
 * printed URL, the Host header (a DNS-rebinding page reaches 127.0.0.1 under its own name), and,
 * on the WebSocket, the Origin (a cross-site page can open a WebSocket anywhere: RFC 6455 §10.2
 * leaves the Origin check to the server).
 */
import { Buffer } from 'node:buffer';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';

export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The names this server answers to on its port: loopback, and the host it was bound to when that
 * is another (--inspect-host). Bound to every interface (0.0.0.0, ::), it answers to each of this
 * machine's addresses, still not to a name a rebinding DNS hands out.
 */
export function allowedHosts(port: number, bound = '127.0.0.1'): Set<string> {
  const names = ['127.0.0.1', 'localhost', '::1', bound];
  if (bound === '0.0.0.0' || bound === '::') {
    for (const addresses of Object.values(networkInterfaces())) {
      for (const a of addresses ?? []) if (bound === '::' || a.family === 'IPv4') names.push(a.address);
    }
  }
  return new Set(names.map((name) => `${hostInUrl(name)}:${port}`.toLowerCase()));
}

/** A host as a URL and a Host header name it: IPv6 in brackets (RFC 3986 §3.2.2). */
export function hostInUrl(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}

/** Whether a host others can reach (the CLI warns): anything but loopback. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export type Refusal = 'token' | 'host' | 'origin';

export function checkToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why a request is refused, or undefined when it may pass. `origin` only for the WebSocket. */
export function refusal(
  request: { host: string | undefined; target: string; origin?: string | undefined },
  token: string,
  hosts: ReadonlySet<string>,
  checkOrigin: boolean,
): Refusal | undefined {
  const host = request.host?.toLowerCase();
  if (host === undefined || !hosts.has(host)) return 'host';
  const url = new URL(request.target, `http://${host}`);
  if (!checkToken(url.searchParams.get('token'), token)) return 'token';
  // Same origin only: the page this server served, under the name it was reached by.
  if (checkOrigin && request.origin !== `http://${host}`) return 'origin';
  return undefined;
}
