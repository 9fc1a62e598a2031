/**
 * The load generator's view of the wire: handshake bytes written once, client frames built and
 * masked once and then resent as they are, and server frames found by counting bytes (or, when
 * compressed sizes vary, by skipping headers). Nothing here parses a payload.
 */
import { connect, type Socket } from 'node:net';
import { deflateRawSync, constants as zlib } from 'node:zlib';

export const HOST = '127.0.0.1';
/** RFC 6455 §1.3's sample nonce: the servers only check that it is 16 bytes in base64. */
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const MASK_KEY = Uint8Array.of(0x5a, 0xc3, 0x17, 0x8e);

export function upgradeRequest(port: number, deflate: boolean): Buffer {
  const lines = [
    'GET / HTTP/1.1',
    `Host: ${HOST}:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${KEY}`,
    'Sec-WebSocket-Version: 13',
  ];
  if (deflate) lines.push('Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits');
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

export function headerLength(payloadLength: number, masked: boolean): number {
  const base = payloadLength < 126 ? 2 : payloadLength <= 0xffff ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * One complete masked client frame. With `compress`, the payload is deflated the way
 * permessage-deflate sends a message (RFC 7692 §7.2.1: sync flush, the trailing
 * 00 00 ff ff removed) and RSV1 is set.
 */
export function clientFrame(payload: Buffer, binary: boolean, compress: boolean): Buffer {
  const body = compress ? deflateRawSync(payload, { finishFlush: zlib.Z_SYNC_FLUSH }).subarray(0, -4) : payload;
  const header = Buffer.alloc(headerLength(body.length, true));
  header[0] = 0x80 | (compress ? 0x40 : 0) | (binary ? 0x2 : 0x1);
  if (body.length < 126) {
    header[1] = 0x80 | body.length;
  } else if (body.length <= 0xffff) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(body.length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeUInt32BE(Math.floor(body.length / 2 ** 32), 2);
    header.writeUInt32BE(body.length >>> 0, 6);
  }
  header.set(MASK_KEY, header.length - 4);
  const frame = Buffer.concat([header, body]);
  for (let i = header.length; i < frame.length; i++) frame[i]! ^= MASK_KEY[(i - header.length) & 3]!;
  return frame;
}

/** A masked Close frame with code 1000, to end a connection politely. */
export const CLOSE_FRAME = clientFrame(Buffer.from([0x03, 0xe8]), true, false).fill(0x88, 0, 1);

/** The size of the unmasked frame a server sends back for a message of `payloadLength` bytes. */
export function serverFrameSize(payloadLength: number): number {
  return headerLength(payloadLength, false) + payloadLength;
}

/**
 * Counts whole server frames in a byte stream whose frame sizes are not known in advance
 * (compressed echoes). Reads only the 2–10 header bytes of each frame and skips the payload.
 */
export class FrameSkipper {
  private header = Buffer.alloc(10);
  private headerHave = 0;
  private skip = 0;

  /** Feed bytes; returns how many frames ended in them. */
  feed(chunk: Buffer): number {
    let frames = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        if (this.skip === 0) frames++;
        continue;
      }
      this.header[this.headerHave++] = chunk[i++]!;
      if (this.headerHave < 2) continue;
      const len7 = this.header[1]! & 0x7f;
      const need = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
      if (this.headerHave < need) continue;
      const length = len7 === 126 ? this.header.readUInt16BE(2) : len7 === 127 ? this.header.readUInt32BE(2) * 2 ** 32 + this.header.readUInt32BE(6) : len7;
      this.headerHave = 0;
      if (length === 0) frames++;
      else this.skip = length;
    }
    return frames;
  }
}

export interface Upgraded {
  socket: Socket;
  /** The server's response head, for checking negotiated extensions. */
  head: string;
  /** Take the bytes that follow the handshake. The view is only valid during the call. */
  onBytes(receiver: (bytes: Buffer) => void): void;
}

/**
 * Every load-generator socket reads into this one buffer (Node's `onread`): no Buffer is
 * allocated per read, and the generator only counts bytes or reads a header at once.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/** Open a TCP connection and complete the opening handshake with a pre-built request. */
export function rawUpgrade(port: number, request: Buffer): Promise<Upgraded> {
  return new Promise((resolve, reject) => {
    let received: Buffer | undefined = Buffer.alloc(0);
    let receiver: ((bytes: Buffer) => void) | undefined;
    let early: Buffer | undefined;
    const onRead = (n: number, buffer: Buffer): boolean => {
      if (received === undefined) {
        if (receiver) receiver(buffer.subarray(0, n));
        return true;
      }
      received = Buffer.concat([received, buffer.subarray(0, n)]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return true;
      const head = received.subarray(0, end).toString('latin1');
      if (received.length > end + 4) early = Buffer.from(received.subarray(end + 4));
      received = undefined;
      socket.off('error', reject);
      if (!head.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
        return false;
      }
      resolve({
        socket,
        head,
        onBytes(next) {
          receiver = next;
          if (early) next(early);
          early = undefined;
        },
      });
      return true;
    };
    const socket = connect({ port, host: HOST, noDelay: true, onread: { buffer: READ_BUFFER, callback: onRead } });
    socket.on('error', reject);
    socket.on('connect', () => socket.write(request));
  });
}

/** Open `count` connections, `concurrency` handshakes at a time. */
export async function openMany(port: number, request: Buffer, count: number, concurrency: number): Promise<Upgraded[]> {
  const out: Upgraded[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      out.push(await rawUpgrade(port, request));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}
