import { startReverseProxy, type ReverseProxyOptions } from '../../src/proxy/reverse-proxy.js';
import type { Relay } from '../../src/proxy/relay.js';

/** A reverse proxy to `target` on a free loopback port, in this process; `relays` collects each relayed pair. */
export async function startProxy(
  target: string,
  options: Omit<ReverseProxyOptions, 'port' | 'target'> = {},
): Promise<{ url: string; relays: Relay[]; close(): Promise<void> }> {
  const relays: Relay[] = [];
  const proxy = await startReverseProxy({
    ...options,
    port: 0,
    target: new URL(target),
    onRelay: (relay, url) => {
      relays.push(relay);
      options.onRelay?.(relay, url);
    },
  });
  return { url: `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${proxy.address().port}`, relays, close: () => proxy.close() };
}
