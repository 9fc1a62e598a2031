/**
 * What the forward proxy tells the person watching, besides the WebSocket traffic the relay
 * shows: plain HTTP requests it passed on, tunnels it could not see into (with the bytes that
 * went through), and requests it refused. Pure values and their one-line wording.
 */

export type ForwardNotice =
  /** A plain HTTP request forwarded and its answer relayed. */
  | { kind: 'http'; method: string; url: string; status: number }
  /** A CONNECT tunnel relayed blind (TLS without --mitm, or not HTTP), reported when it closed. */
  | { kind: 'tunnel'; host: string; port: number; tls: boolean; sent: number; received: number; ms: number }
  /** A CONNECT tunnel whose TLS wscope terminates with a certificate of its own CA (--mitm). */
  | { kind: 'intercept'; host: string; port: number }
  /** --mitm: the client's TLS handshake with us failed (it does not trust the CA, most often). */
  | { kind: 'tls-failed'; host: string; port: number; reason: string }
  /** A request answered with an error status instead of being forwarded. */
  | { kind: 'refused'; status: number; url?: string; reason: string };

function bytes(count: number): string {
  return count < 1024 ? `${count} B` : count < 1024 * 1024 ? `${(count / 1024).toFixed(1)} KiB` : `${(count / 1024 / 1024).toFixed(1)} MiB`;
}

/** One line for the live view. */
export function describeNotice(notice: ForwardNotice): string {
  switch (notice.kind) {
    case 'http':
      return `http ${notice.method} ${notice.url} → ${notice.status}`;
    case 'tunnel':
      return `tunnel ${notice.host}:${notice.port} closed${notice.tls ? ' (TLS, not intercepted)' : ''}: ${bytes(notice.sent)} client → server, ${bytes(notice.received)} server → client, ${(notice.ms / 1000).toFixed(1)} s`;
    case 'intercept':
      return `tunnel ${notice.host}:${notice.port}: TLS intercepted (--mitm)`;
    case 'tls-failed':
      return `tunnel ${notice.host}:${notice.port}: TLS with the client failed (does it trust the MITM CA?): ${notice.reason}`;
    case 'refused':
      return `refused ${notice.url ?? 'a request'} with ${notice.status}: ${notice.reason}`;
  }
}

/** What the proxy says when it starts: where it listens and how to point a client at it. */
export function forwardProxyBanner(address: { address: string; port: number }, mitm: boolean): string[] {
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return [
    `forward proxy listening on ${url}: ws:// seen in clear, other HTTP forwarded, wss:// ${mitm ? 'intercepted (--mitm)' : 'tunnelled blind (--mitm to see it)'} (press Ctrl-C to quit)`,
    `  point a browser at it: chromium --proxy-server=${url} --proxy-bypass-list='<-loopback>'   (the bypass rule: Chromium skips proxies for loopback otherwise)`,
    `  or a client: wscope connect ws://HOST/ --proxy ${url}; http_proxy=${url} https_proxy=${url} for curl and most tools`,
  ];
}
