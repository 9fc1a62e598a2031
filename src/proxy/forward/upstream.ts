/** What the proxy needs to reach origins, and how it tells the client that it could not. */
import type { Buffer } from 'node:buffer';

/** How to check the certificate of an origin reached over TLS (the --ca and -n flags). */
export interface UpstreamTls {
  ca?: string | Buffer;
  rejectUnauthorized?: boolean;
}

/**
 * The status a proxy answers when the origin could not be reached (RFC 9110 §15.6.3 502 Bad
 * Gateway: "an invalid response from an inbound server"; §15.6.5 504 Gateway Timeout), with the
 * reason in words.
 */
export function upstreamFailure(error: NodeJS.ErrnoException, url: string): { status: 502 | 504; reason: string } {
  const code = error.code ?? 'ERROR';
  if (code === 'ETIMEDOUT') return { status: 504, reason: error.message };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { status: 502, reason: `unknown host in ${url} (${code})` };
  return { status: 502, reason: `cannot reach ${url}: ${error.message}` };
}
