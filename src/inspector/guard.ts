/**
 * Who may reach the inspector: a page that can send on a live socket must not be reachable by
 * another site or another user. Three checks, each answered with 403: the random token of the
 * printed URL, the Host header (a DNS-rebinding page reaches 127.0.0.1 under its own name), and,
 * on the WebSocket, the Origin (a cross-site page can open a WebSocket anywhere: RFC 6455 §10.2
 * leaves the Origin check to the server).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

/** The names this server answers to on its port: loopback only, whatever interface it is bound to. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
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
