/** From settings to the library's options: ClientOptions for connect, ServerOptions for listen. */
import type { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { ClientOptions, HeartbeatOptions, ServerOptions, SocketOptions } from '../index.js';
import type { ConnectSettings } from './commands/connect.js';
import type { ListenSettings } from './commands/listen.js';
import { type CompressionSettings, DEFAULT_PING_RETRIES, type HeartbeatSettings } from './flags.js';
import { UsageError } from './usage-error.js';

export function readFlagFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${flag} file ${path}: ${(error as Error).message}`);
  }
}

/**
 * A certificate and its key, checked together before any socket opens: a pair that does not
 * match, a key that is not one, or a wrong passphrase is a bad argument (one line, exit code 2),
 * not a stack trace from deep inside TLS.
 */
export function checkKeyPair(cert: Buffer, key: Buffer, passphrase: string | undefined): void {
  try {
    createSecureContext({ cert, key, ...(passphrase !== undefined && { passphrase }) });
  } catch (error) {
    const { code, message } = error as Error & { code?: string };
    if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') throw new UsageError('--key does not match --cert');
    if (code === 'ERR_OSSL_BAD_DECRYPT')
      throw new UsageError(`cannot decrypt --key: ${passphrase === undefined ? 'it needs --passphrase' : 'wrong --passphrase'}`);
    throw new UsageError(`--cert and --key are not a certificate and its private key in PEM: ${message.replace(/^error:[0-9A-F]+:/, '')}`);
  }
}

/** --ping-interval/--ping-timeout/--ping-retries → the `heartbeat` socket option (seconds → ms). */
export function heartbeatOption(settings: HeartbeatSettings): HeartbeatOptions | undefined {
  if (settings.pingInterval === undefined) return undefined;
  return {
    interval: Math.round(settings.pingInterval * 1000),
    timeout: Math.round((settings.pingTimeout ?? settings.pingInterval) * 1000),
    retries: settings.pingRetries ?? DEFAULT_PING_RETRIES,
  };
}

function socketOptions(heartbeatSettings: HeartbeatSettings, compression: CompressionSettings): SocketOptions {
  const heartbeat = heartbeatOption(heartbeatSettings);
  return {
    // --no-compression: neither offer nor accept permessage-deflate (the library's default is on).
    ...(!compression.compression && { perMessageDeflate: false }),
    ...(compression.maxPayload !== undefined && { maxMessageSize: compression.maxPayload }),
    ...(heartbeat && { heartbeat }),
  };
}

/** Only the settings that shape the socket: replay builds them without connect's own flags. */
export function clientOptions(
  settings: Pick<ConnectSettings, 'headers' | 'tls' | 'heartbeat' | 'compression' | 'followRedirects' | 'maxRedirects' | 'proxy'>,
  passphrase: string | undefined,
): ClientOptions {
  const { headers, tls } = settings;
  const proxy = settings.proxy === undefined ? undefined : /^[a-z][a-z0-9+.-]*:\/\//i.test(settings.proxy) ? settings.proxy : `http://${settings.proxy}`;
  return {
    ...socketOptions(settings.heartbeat, settings.compression),
    protocols: headers.subprotocols,
    headers: headers.headers,
    followRedirects: settings.followRedirects,
    maxRedirects: settings.maxRedirects,
    rejectUnauthorized: tls.checkCertificates,
    ...(headers.auth !== undefined && { auth: headers.auth }),
    ...(headers.host !== undefined && { host: headers.host }),
    ...(headers.origin !== undefined && { origin: headers.origin }),
    ...(proxy !== undefined && { proxy }),
    ...(tls.ca !== undefined && { ca: readFlagFile('--ca', tls.ca) }),
    ...keyPair(tls.cert, tls.key, passphrase),
    ...(passphrase !== undefined && { passphrase }),
  };
}

/** --cert and --key read, and checked together when both are given. */
export function keyPair(certPath: string | undefined, keyPath: string | undefined, passphrase: string | undefined): { cert?: Buffer; key?: Buffer } {
  const cert = certPath === undefined ? undefined : readFlagFile('--cert', certPath);
  const key = keyPath === undefined ? undefined : readFlagFile('--key', keyPath);
  if (cert && key) checkKeyPair(cert, key, passphrase);
  return { ...(cert && { cert }), ...(key && { key }) };
}

export function serverOptions(settings: ListenSettings, passphrase: string | undefined): ServerOptions {
  const { headers, tls } = settings;
  return {
    ...socketOptions(settings.heartbeat, settings.compression),
    port: settings.port,
    ...(headers.host !== undefined && { host: headers.host }),
    ...(settings.path !== undefined && { path: settings.path }),
    ...(headers.subprotocols.length > 0 && { protocols: headers.subprotocols }),
    ...(tls.cert !== undefined &&
      tls.key !== undefined && {
        tls: {
          ...(keyPair(tls.cert, tls.key, passphrase) as { cert: Buffer; key: Buffer }),
          ...(tls.ca !== undefined && { ca: readFlagFile('--ca', tls.ca) }),
          ...(passphrase !== undefined && { passphrase }),
        },
      }),
  };
}
