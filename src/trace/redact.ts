import type { AnyTraceEvent, HeaderPairs } from './events.js';

/** Header fields whose values are credentials: a trace shared in a bug report must not carry them. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export const REDACTED = '[redacted]';
/** In a URL's user info: `*` needs no percent-encoding there, so the URL stays readable. */
export const REDACTED_PASSWORD = '***';

/** `names`: lower-case header names whose values are replaced (default: SECRET_HEADERS). */
export function redactHeaders(headers: HeaderPairs, names: ReadonlySet<string> = SECRET_HEADERS): HeaderPairs {
  return headers.map(([name, value]) => [name, names.has(name.toLowerCase()) ? REDACTED : value]);
}

/** `ws://user:pw@host/` → `ws://user:***@host/`; a string that is not a URL is returned as it is. */
export function redactUrl(url: string): string {
  if (!url.includes('@')) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.password === '') return url;
  parsed.password = REDACTED_PASSWORD;
  return parsed.href;
}

/**
 * Every URL password in a text (`ws://user:pw@host/` → `ws://user:***@host/`): an error message
 * may quote the URL it failed on, and what we print or record must not carry the password.
 */
export function redactUrlPasswords(text: string): string {
  return text.replace(USERINFO_PASSWORD, `$1:${REDACTED_PASSWORD}@`);
}

const USERINFO_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#@]*@/gi;

/**
 * The same event with its secrets (credential headers, URL passwords, and the same keys in gRPC
 * metadata and trailers) replaced. `headerNames`
 * (lower case) replaces the headers redacted, SECRET_HEADERS by default.
 */
export function redactEvent<T extends AnyTraceEvent>(event: T, headerNames: ReadonlySet<string> = SECRET_HEADERS): T {
  if (event.event === 'handshake') {
    return {
      ...event,
      url: redactUrl(event.url),
      requestHeaders: redactHeaders(event.requestHeaders, headerNames),
      responseHeaders: redactHeaders(event.responseHeaders, headerNames),
    };
  }
  if (event.event === 'grpc-start') return { ...event, metadata: redactHeaders(event.metadata, headerNames) };
  if (event.event === 'grpc-end') return { ...event, trailers: redactHeaders(event.trailers, headerNames) };
  if (event.event === 'error') {
    return { ...event, message: redactUrlPasswords(event.message), ...(event.url !== undefined && { url: redactUrl(event.url) }) };
  }
  return event;
}
