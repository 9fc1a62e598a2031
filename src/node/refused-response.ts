/**
 * The rest of a server's answer that refused the upgrade (any status but 101): its body, for a
 * caller that passes the answer on (the proxy gives its client the upstream's status, headers and
 * body). Read only when asked (`keepRefusedResponse`): a server that keeps the connection open
 * after a 403 without a length would otherwise hold every failed connect until its deadline.
 */
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';

/** A refused handshake's answer, on `HandshakeError.response` when `keepRefusedResponse` was set. */
export interface RefusedResponse {
  status: number;
  statusText: string;
  /** `[name, value]` pairs as sent. */
  rawHeaders: Array<[string, string]>;
  /** The body, decoded from chunked transfer coding, at most the limit asked for. */
  body: Buffer;
}

/**
 * RFC 9112 §6.3: the body's length is `Content-Length`, or the chunked coding's own end, or
 * whatever comes until the server closes. Reading stops at `limit` bytes, and when the socket
 * closes (the handshake's deadline destroys it): a slow server shortens the body, never hangs us.
 */
export function readRefusedBody(socket: Socket, rest: Buffer, headers: Map<string, string[]>, limit: number): Promise<Buffer> {
  const chunked = /(?:^|,)\s*chunked\s*$/i.test(headers.get('transfer-encoding')?.join(',') ?? '');
  const declared = Number(headers.get('content-length')?.[0]);
  const wanted = chunked ? Number.POSITIVE_INFINITY : Number.isSafeInteger(declared) && declared >= 0 ? declared : Number.POSITIVE_INFINITY;
  const decoder = chunked ? new ChunkedDecoder() : undefined;
  const pieces: Buffer[] = [];
  let size = 0;
  return new Promise((resolve) => {
    const finish = () => {
      socket.off('data', onData);
      socket.off('close', finish);
      socket.off('end', finish);
      resolve(Buffer.concat(pieces).subarray(0, Math.min(limit, wanted)));
    };
    const onData = (chunk: Buffer) => {
      const body = decoder ? decoder.push(chunk) : chunk;
      pieces.push(body);
      size += body.length;
      if (size >= Math.min(limit, wanted) || decoder?.done) finish();
    };
    socket.on('data', onData);
    socket.once('close', finish);
    socket.once('end', finish);
    if (rest.length > 0) onData(rest);
    if (wanted === 0) finish();
    else socket.resume();
  });
}

/** RFC 9112 §7.1: `size[;ext] CRLF data CRLF` … `0 CRLF [trailers] CRLF`. Trailers are dropped. */
class ChunkedDecoder {
  done = false;
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of the current chunk's data still to come (then its CRLF). */
  private remaining = 0;
  private inData = false;

  push(chunk: Buffer): Buffer {
    let input = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    const out: Buffer[] = [];
    while (!this.done && input.length > 0) {
      if (this.inData) {
        const take = Math.min(this.remaining, input.length);
        out.push(input.subarray(0, take));
        input = input.subarray(take);
        this.remaining -= take;
        if (this.remaining > 0) break;
        if (input.length < 2) {
          this.pending = input;
          break;
        }
        input = input.subarray(2);
        this.inData = false;
        continue;
      }
      const lineEnd = input.indexOf('\r\n');
      if (lineEnd === -1) {
        this.pending = input;
        break;
      }
      const size = Number.parseInt(input.subarray(0, lineEnd).toString('latin1').split(';')[0]!.trim(), 16);
      input = input.subarray(lineEnd + 2);
      if (!Number.isFinite(size) || size <= 0) {
        this.done = true;
        break;
      }
      this.remaining = size;
      this.inData = true;
    }
    return Buffer.concat(out);
  }
}
