/**
 * A plain HTTP request passed on to its origin and the origin's answer passed back, both streamed
 * (nothing is buffered whole), with the hop-by-hop fields dropped on each side and everything
 * else kept: status, names as sent, order, repeated fields, body bytes.
 */
import { type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { endToEndHeaders, flatHeaders, withVia } from './hop-by-hop.js';
import type { ForwardNotice } from './notices.js';
import { hostHeader, type Origin, urlAt } from './origin.js';
import { type UpstreamTls, upstreamFailure } from './upstream.js';

/** Milliseconds the origin has to answer a request's head before we give the client 504. */
const ANSWER_TIMEOUT = 30_000;

export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  origin: Origin,
  path: string,
  tls: UpstreamTls,
  notify: (notice: ForwardNotice) => void,
): void {
  const url = urlAt(origin, path).href;
  // RFC 9112 §3.2.2: a proxy "MUST ignore the received Host header field (if any) and instead
  // replace it with the host information of the request-target".
  const headers = endToEndHeaders(req.rawHeaders).filter(([name]) => name.toLowerCase() !== 'host');
  const outgoing = withVia([['Host', hostHeader(origin)], ...headers], req.httpVersion);
  const options = { host: origin.host, port: origin.port, method: req.method ?? 'GET', path, headers: flatHeaders(outgoing), setHost: false };
  const upstream =
    origin.scheme === 'https' ? httpsRequest({ ...options, ...(isIP(origin.host) ? {} : { servername: origin.host }), ...tls }) : httpRequest(options);
  upstream.setTimeout(ANSWER_TIMEOUT, () =>
    upstream.destroy(Object.assign(new Error(`${url} did not answer within ${ANSWER_TIMEOUT / 1000} s`), { code: 'ETIMEDOUT' })),
  );
  upstream.on('response', (answer) => {
    upstream.setTimeout(0);
    const status = answer.statusCode ?? 502;
    res.writeHead(status, answer.statusMessage, flatHeaders(withVia(endToEndHeaders(answer.rawHeaders), answer.httpVersion)));
    answer.pipe(res);
    answer.on('error', () => res.destroy());
    answer.on('end', () => notify({ kind: 'http', method: req.method ?? 'GET', url, status }));
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    const failure = upstreamFailure(error, url);
    notify({ kind: 'refused', status: failure.status, url, reason: failure.reason });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(failure.status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    res.end(`wscope proxy: ${failure.reason}\n`);
  });
  // The client may go away mid-request: the origin's request goes with it.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
