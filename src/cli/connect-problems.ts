/**
 * Why a connection did not open, in one line with what to do about it: a wss:// URL to a server
 * that does not speak TLS (try ws://), a ws:// URL to one that does (try wss://), a redirect
 * without -L, an untrusted certificate. Detection reads what the failure carries (the library's
 * codes, Node's TLS error codes, the HandshakeError's status and headers) and, where that cannot
 * tell, asks the server once more with a short probe.
 */
import type { Buffer } from 'node:buffer';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ExitCode, exitCodeForConnectError } from './exit-codes.js';
import { redactUrlPasswords } from '../index.js';

export type ConnectError = Error & { code?: string; status?: number; headers?: Record<string, string>; location?: string };

/** Node's codes when the bytes that came back were not TLS, or the server hung up on our ClientHello. */
const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST', 'EPROTO']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Is this connect error a TLS failure (certificate, protocol mismatch)? */
export function isTlsError(error: Error): boolean {
  const code = String((error as ConnectError).code ?? '');
  return code === 'WS_ERR_NOT_TLS' || /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|EPROTO/.test(code) || /\bSSL\b|certificate/i.test(error.message);
}

export interface ProbeTarget {
  host: string;
  port: number;
  /** A proxy sits between: a probe would not reach the same server. */
  proxied: boolean;
}

function targetOf(url: string, proxied: boolean): ProbeTarget | undefined {
  try {
    const parsed = new URL(url);
    const secure = parsed.protocol === 'wss:' || parsed.protocol === 'https:';
    return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || (secure ? 443 : 80)), proxied };
  } catch {
    return undefined;
  }
}

const PROBE_MS = 1500;

/** Does the server complete a TLS handshake? (Certificates are not checked: only the protocol matters here.) */
export function speaksTls({ host, port }: ProbeTarget): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(PROBE_MS, () => done(false));
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Does the server answer a plain HTTP request with an HTTP response? */
export function speaksPlainHttp({ host, port }: ProbeTarget): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host, port });
    let answer = '';
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(PROBE_MS, () => done(false));
    socket.once('connect', () => socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.length >= 5) done(answer.startsWith('HTTP/'));
    });
    socket.once('error', () => done(false));
    socket.once('end', () => done(answer.startsWith('HTTP/')));
  });
}

export interface Probes {
  speaksTls(target: ProbeTarget): Promise<boolean>;
  speaksPlainHttp(target: ProbeTarget): Promise<boolean>;
}

export interface Explained {
  /** One line: what failed, why when we can tell, and what to try. */
  line: string;
  exitCode: ExitCode;
}

export async function explainConnectError(
  url: string,
  error: ConnectError,
  proxied: boolean,
  probes: Probes = { speaksTls, speaksPlainHttp },
): Promise<Explained> {
  const line = await explain(url, error, proxied, probes);
  if (line.notTls) return { line: line.text, exitCode: ExitCode.TlsFailed };
  if (line.tlsServer) return { line: line.text, exitCode: ExitCode.HandshakeFailed };
  return { line: line.text, exitCode: exitCodeForConnectError(error) };
}

async function explain(url: string, error: ConnectError, proxied: boolean, probes: Probes): Promise<{ text: string; notTls?: true; tlsServer?: true }> {
  const shown = redactUrlPasswords(url);
  const secure = /^(wss|https):/i.test(url);
  const target = targetOf(url, proxied);
  const canProbe = target !== undefined && !proxied;
  const code = error.code ?? '';
  const message = redactUrlPasswords(error.message.trim());

  if (error.name === 'HandshakeError' && error.status !== undefined && REDIRECTS.has(error.status)) {
    const location = error.location ?? error.headers?.['location'];
    const to = location ? ` to ${redactUrlPasswords(location)}` : '';
    return { text: `handshake with ${shown} failed (HTTP ${error.status}): the server redirects${to}; follow it with -L` };
  }
  if (error.name === 'HandshakeError') return { text: `handshake with ${shown} failed${error.status ? ` (HTTP ${error.status})` : ''}: ${message}` };

  if (secure) {
    const notTls =
      code === 'WS_ERR_NOT_TLS' ||
      NOT_TLS_CODES.has(code) ||
      // Hung up on our ClientHello, or never answered it: ask the server in plain HTTP.
      ((code === 'ECONNRESET' || code === 'WS_ERR_HANDSHAKE_TIMEOUT') && canProbe && (await probes.speaksPlainHttp(target)));
    if (notTls) return { text: `TLS error connecting to ${shown}: the server does not speak TLS (try ws://)`, notTls: true };
  } else {
    const tlsServer =
      code === 'WS_ERR_TLS_SERVER' ||
      // A TLS server hangs up on a plain HTTP request (or answers with a TLS alert): try a TLS handshake.
      ((code === 'WS_ERR_HANDSHAKE_CLOSED' || code === 'WS_ERR_MALFORMED_HTTP' || code === 'WS_ERR_HANDSHAKE_TIMEOUT') &&
        canProbe &&
        (await probes.speaksTls(target)));
    if (tlsServer) return { text: `handshake with ${shown} failed: the server speaks TLS (try wss://)`, tlsServer: true };
  }
  if (isTlsError(error)) return { text: `TLS error connecting to ${shown}: ${message} (trust the CA with --ca FILE, or skip checks with -n)` };
  if (code === 'WS_ERR_HANDSHAKE_CLOSED') return { text: `handshake with ${shown} failed: ${message}` };
  return { text: `could not connect to ${shown}: ${message}` };
}
