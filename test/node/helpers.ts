import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, createDeflateRaw } from 'node:zlib';
import { WebSocketServer, type ServerOptions, type WebSocket } from '../../src/index.js';

/** An echo server on a free loopback port. */
export async function echoServer(options: ServerOptions = {}): Promise<{ server: WebSocketServer; url: string }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  server.on('connection', (socket: WebSocket) => {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (socket.readyState === socket.OPEN) socket.send(data, { binary: isBinary });
    });
  });
  await server.ready();
  return { server, url: `ws://127.0.0.1:${server.address().port}` };
}

export function closed(socket: WebSocket): Promise<{ code: number; reason: string; wasClean: boolean }> {
  if (socket.readyState === socket.CLOSED) throw new Error('already closed');
  return once(socket, 'close').then(([code, reason, wasClean]) => ({ code, reason, wasClean }));
}

/** Resolves with the next `count` messages; subscribe before sending so none is missed. */
export function messages(socket: WebSocket, count: number): Promise<Array<[Buffer, boolean]>> {
  const seen: Array<[Buffer, boolean]> = [];
  return new Promise((resolve) => {
    const onMessage = (data: Buffer, isBinary: boolean) => {
      seen.push([data, isBinary]);
      if (seen.length < count) return;
      socket.off('message', onMessage);
      resolve(seen);
    };
    socket.on('message', onMessage);
  });
}

/** `size` zero bytes, raw-deflated with a sync flush and its tail removed, never all held at once: a decompression bomb. */
export function compressZeros(size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const deflater = createDeflateRaw({ level: 9, memLevel: 9 });
    const chunks: Buffer[] = [];
    deflater.on('data', (chunk: Buffer) => chunks.push(chunk));
    deflater.on('error', reject);
    const zeros = Buffer.alloc(1024 * 1024);
    for (let written = 0; written < size; written += zeros.length) deflater.write(zeros);
    deflater.flush(constants.Z_SYNC_FLUSH, () => {
      const out = Buffer.concat(chunks);
      deflater.close();
      resolve(out.subarray(0, out.length - 4));
    });
  });
}

export interface Certificate {
  key: Buffer;
  cert: Buffer;
}

/** A self-signed certificate made by openssl for the given subjectAltName. */
export function selfSigned(dir: string, name: string, altName: string): Certificate {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=wscope ${name}`,
      '-addext',
      `subjectAltName=${altName}`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore', timeout: 20_000 },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}
