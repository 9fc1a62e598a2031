/**
 * A channel to a gRPC server on @grpc/grpc-js: TLS (the default, as grpcurl's), or plaintext
 * (h2c); the :authority to send, and the message size limits.
 */
import type { Buffer } from 'node:buffer';
import * as grpc from '@grpc/grpc-js';

export interface TlsOptions {
  /** PEM certificates to trust instead of the system's. */
  ca?: Buffer;
  /** A client certificate and its key (mutual TLS). */
  cert?: Buffer;
  key?: Buffer;
  /** false: accept any certificate (grpcurl's -insecure). */
  checkCertificates: boolean;
}

export interface ConnectionOptions {
  /** HOST:PORT (or unix:/path). */
  target: string;
  /** TLS settings; `false` speaks plaintext HTTP/2. */
  tls: TlsOptions | false;
  /** The :authority pseudo-header, and with TLS the name the certificate must carry. */
  authority?: string;
  /** The largest message received or sent, in bytes (grpc-js's default: 4 MiB received). */
  maxMessageSize?: number;
}

export function channelCredentials(tls: TlsOptions | false): grpc.ChannelCredentials {
  if (tls === false) return grpc.credentials.createInsecure();
  const verify: grpc.VerifyOptions = tls.checkCertificates ? {} : { rejectUnauthorized: false, checkServerIdentity: () => undefined };
  return grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null, verify);
}

export function channelOptions(options: ConnectionOptions): grpc.ChannelOptions {
  const channel: grpc.ChannelOptions = {};
  if (options.authority !== undefined) {
    channel['grpc.default_authority'] = options.authority;
    if (options.tls !== false) channel['grpc.ssl_target_name_override'] = options.authority;
  }
  if (options.maxMessageSize !== undefined) {
    channel['grpc.max_receive_message_length'] = options.maxMessageSize;
    channel['grpc.max_send_message_length'] = options.maxMessageSize;
  }
  return channel;
}

/** A generic client (calls are made by path with their own serializers) on a new channel. */
export function openClient(options: ConnectionOptions): grpc.Client {
  return new grpc.Client(options.target, channelCredentials(options.tls), channelOptions(options));
}
