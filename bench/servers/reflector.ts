/**
 * A lean raw-socket echo server for the client-side scenarios, so the client under test, not
 * the server, is the bottleneck. It knows the size of the messages it will get: it counts
 * bytes, and for each whole client frame sends back one pre-built server frame of the same
 * size and kind. It parses nothing after the handshake, so only use it with clients that send
 * exactly such frames.
 *
 *   node dist/bench/servers/reflector.js 9002 --size 16 [--text]
 */
import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { parseServerArgs, serveControl } from './control.js';
import { binaryPayload, textPayload } from '../load/payloads.js';
import { headerLength, serverFrameSize } from '../load/wire.js';

const argv = process.argv.slice(2);
const args = parseServerArgs(argv.filter((arg, i) => arg !== '--size' && argv[i - 1] !== '--size'));
const sizeAt = argv.indexOf('--size');
const size = Number(sizeAt >= 0 ? argv[sizeAt + 1] : 16);
const binary = !argv.includes('--text');

const BATCH = 64;
const payload = binary ? binaryPayload(size) : textPayload(size);
const header = Buffer.alloc(headerLength(size, false));
header[0] = 0x80 | (binary ? 2 : 1);
if (size < 126) header[1] = size;
else if (size <= 0xffff) {
  header[1] = 126;
  header.writeUInt16BE(size, 2);
} else {
  header[1] = 127;
  header.writeUInt32BE(size >>> 0, 6);
}
const frame = Buffer.concat([header, payload]);
const batch = Buffer.concat(Array.from({ length: BATCH }, () => frame));
const clientFrameSize = headerLength(size, true) + size;
if (serverFrameSize(size) !== frame.length) throw new Error('frame size mismatch');

let open = 0;
const server = createServer({ noDelay: true }, (socket: Socket) => {
  open++;
  socket.on('close', () => open--);
  socket.on('error', () => {});
  let head = '';
  let pending = 0;
  const onData = (chunk: Buffer): void => {
    pending += chunk.length;
    let frames = Math.floor(pending / clientFrameSize);
    pending -= frames * clientFrameSize;
    while (frames > 0) {
      const n = Math.min(frames, BATCH);
      socket.write(n === BATCH ? batch : batch.subarray(0, n * frame.length));
      frames -= n;
    }
  };
  const onHead = (chunk: Buffer): void => {
    head += chunk.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
    // RFC 6455 §4.2.2: the accept value is base64(SHA-1(key + the protocol GUID)).
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.off('data', onHead);
    socket.on('data', onData);
    const rest = Buffer.from(head.slice(end + 4), 'latin1');
    if (rest.length > 0) onData(rest);
  };
  socket.on('data', onHead);
});
server.listen(args.port, args.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : args.port;
  serveControl(`reflector (${size} B ${binary ? 'binary' : 'text'})`, port, false, () => open);
});
