/** The proxy for code (docs/proxy.md): the relay of two WebSockets, the upgrade entry point any HTTP server can call, the reverse proxy, and the fault seam. */
export { proxyUpgrade, type ProxyOptions, type UpstreamOptions } from './upgrade.js';
export { relay, type Relay, type RelayOptions, type RelayOutcome, type Closer } from './relay.js';
export { startReverseProxy, upstreamUrl, type ReverseProxy, type ReverseProxyOptions } from './reverse-proxy.js';
export type { Refusal } from './refusal.js';
export type { Fault, RelayDirection, RelayedFrame, RelayLink } from './fault.js';
