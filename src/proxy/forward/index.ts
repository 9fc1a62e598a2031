/** The forward proxy's room: what the proxy command uses. */
export { startForwardProxy, type ForwardProxy, type ForwardProxyOptions, type WebSocketRelay } from './forward-proxy.js';
export { prepareMitm } from './mitm-setup.js';
export { CaFileError, defaultCaDir } from './certificate-authority.js';
export { describeNotice, forwardProxyBanner, type ForwardNotice } from './notices.js';
export type { UpstreamTls } from './upstream.js';
