/** From flags to the library's options: ClientOptions for connect mode, ServerOptions for listen mode. */
import { readFileSync } from 'node:fs';
import type { ClientOptions, HeartbeatOptions, ServerOptions, SocketOptions } from '../index.js';
import { UsageError, type CliOptions } from './args.js';

function readFlagFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${flag} file ${path}: ${(error as Error).message}`);
  }
}

/** --ping-interval/--ping-timeout/--ping-retries → the `heartbeat` socket option (seconds → ms). */
export function heartbeatOption(cli: CliOptions): HeartbeatOptions | undefined {
  if (cli.pingInterval === undefined) return undefined;
  return {
    interval: Math.round(cli.pingInterval * 1000),
    timeout: Math.round((cli.pingTimeout ?? cli.pingInterval) * 1000),
    retries: cli.pingRetries ?? 2,
  };
}

function socketOptions(cli: CliOptions): SocketOptions {
  const heartbeat = heartbeatOption(cli);
  return {
    // --no-compression: neither offer nor accept permessage-deflate (the library's default is on).
    ...(!cli.compression && { perMessageDeflate: false }),
    ...(cli.maxPayload !== undefined && { maxMessageSize: cli.maxPayload }),
    ...(heartbeat && { heartbeat }),
  };
}

export function clientOptions(cli: CliOptions, passphrase: string | undefined): ClientOptions {
  const proxy = cli.proxy === undefined ? undefined : /^[a-z][a-z0-9+.-]*:\/\//i.test(cli.proxy) ? cli.proxy : `http://${cli.proxy}`;
  const options: ClientOptions = {
    ...socketOptions(cli),
    protocols: cli.subprotocols,
    headers: cli.headers,
    followRedirects: cli.followRedirects,
    maxRedirects: cli.maxRedirects,
    rejectUnauthorized: cli.checkCertificates,
    ...(cli.auth !== undefined && { auth: cli.auth }),
    ...(cli.host !== undefined && { host: cli.host }),
    ...(cli.origin !== undefined && { origin: cli.origin }),
    ...(proxy !== undefined && { proxy }),
    ...(cli.ca !== undefined && { ca: readFlagFile('--ca', cli.ca) }),
    ...(cli.cert !== undefined && { cert: readFlagFile('--cert', cli.cert) }),
    ...(cli.key !== undefined && { key: readFlagFile('--key', cli.key) }),
    ...(passphrase !== undefined && { passphrase }),
  };
  return options;
}

export function serverOptions(cli: CliOptions, passphrase: string | undefined): ServerOptions {
  if ((cli.cert === undefined) !== (cli.key === undefined)) throw new UsageError('listen mode with TLS needs both --cert and --key');
  return {
    ...socketOptions(cli),
    port: cli.port,
    ...(cli.host !== undefined && { host: cli.host }),
    ...(cli.path !== undefined && { path: cli.path }),
    ...(cli.subprotocols.length > 0 && { protocols: cli.subprotocols }),
    ...(cli.cert !== undefined &&
      cli.key !== undefined && {
        tls: {
          cert: readFlagFile('--cert', cli.cert),
          key: readFlagFile('--key', cli.key),
          ...(cli.ca !== undefined && { ca: readFlagFile('--ca', cli.ca) }),
          ...(passphrase !== undefined && { passphrase }),
        },
      }),
  };
}
