/**
 * The echo server the load-tester benchmarks drive: raw `node:net`, so that the load generator,
 * not the server, is what runs out of CPU, and lean per connection, so one process holds tens of
 * thousands of them. It parses each client frame's header, unmasks the payload straight into the
 * reply and answers everything one read brought in one write. It echoes data frames (RFC 6455
 * §5.6) and answers Close with Close (§5.5.1) and Ping with Pong (§5.5.2); it is a bench tool,
 * not a conforming server (no fragmentation checks, no UTF-8 checks, no extensions).
 *
 *   node dist/bench/load-echo-server.js 9003 [--host 127.0.0.1]
 *
 * Forked by the harness, it answers `{ type: 'stats' }` with its message count, CPU time, RSS and
 * open connections, so every generator is measured by the same count over the same window.
 */
import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Replies to one read are built here and copied out in one write (a read is at most 64 KiB). */
const out = Buffer.allocUnsafe(64 * 1024 + 16);

let echoed = 0;
let open = 0;

/** Per-connection state, kept small: the handshake's bytes until the 101, then a frame tail. */
interface Peer {
  socket: Socket;
  head: string | undefined;
  /** Bytes of an incomplete frame carried to the next read (rare: frames are small). */
  carry: Buffer | undefined;
}

function accept(peer: Peer, chunk: Buffer): void {
  peer.head = (peer.head ?? '') + chunk.toString('latin1');
  const end = peer.head.indexOf('\r\n\r\n');
  if (end < 0) {
    if (peer.head.length > 8192) peer.socket.destroy();
    return;
  }
  const key = /sec-websocket-key:\s*(\S+)/i.exec(peer.head)?.[1];
  if (!key) {
    peer.socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  // RFC 6455 §4.2.2: Sec-WebSocket-Accept is base64(SHA-1(key + GUID)).
  const acceptKey = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  peer.socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey}\r\n\r\n`);
  const rest = Buffer.from(peer.head.slice(end + 4), 'latin1');
  peer.head = undefined;
  open++;
  if (rest.length > 0) frames(peer, rest);
}

/** Echo every whole frame in `bytes` (after any carried tail) with one write. */
function frames(peer: Peer, input: Buffer): void {
  const bytes = peer.carry ? Buffer.concat([peer.carry, input]) : input;
  peer.carry = undefined;
  let at = 0;
  let length = 0;
  let closing = false;
  while (at + 2 <= bytes.length) {
    const b0 = bytes[at]!;
    const len7 = bytes[at + 1]! & 0x7f;
    let header = 2;
    let size = len7;
    if (len7 === 126) {
      if (at + 4 > bytes.length) break;
      size = bytes.readUInt16BE(at + 2);
      header = 4;
    } else if (len7 === 127) {
      if (at + 10 > bytes.length) break;
      size = bytes.readUInt32BE(at + 2) * 2 ** 32 + bytes.readUInt32BE(at + 6);
      header = 10;
    }
    // RFC 6455 §5.3: every client frame is masked; the key follows the length.
    const frameEnd = at + header + 4 + size;
    if (frameEnd > bytes.length) break;
    const opcode = b0 & 0x0f;
    const replyHeader = size < 126 ? 2 : size <= 0xffff ? 4 : 10;
    if (length + replyHeader + size > out.length) {
      // A reply bigger than the shared buffer (large messages): flush what is built, then this one alone.
      if (length > 0) peer.socket.write(Buffer.from(out.subarray(0, length)));
      length = 0;
      const single = Buffer.allocUnsafe(replyHeader + size);
      writeReply(single, 0, opcode === 0x9 ? 0x8a : b0, bytes, at + header, size);
      peer.socket.write(single);
    } else {
      length = writeReply(out, length, opcode === 0x9 ? 0x8a : b0, bytes, at + header, size);
    }
    if (opcode <= 0x2) echoed++;
    at = frameEnd;
    if (opcode === 0x8) {
      closing = true;
      break;
    }
  }
  if (at < bytes.length && !closing) peer.carry = Buffer.from(bytes.subarray(at));
  if (length > 0) peer.socket.write(Buffer.from(out.subarray(0, length)));
  if (closing) peer.socket.end();
}

/** Write the unmasked server frame for the masked payload at `maskAt` (key, then `size` bytes). */
function writeReply(target: Buffer, offset: number, b0: number, source: Buffer, maskAt: number, size: number): number {
  let o = offset;
  target[o++] = b0;
  if (size < 126) target[o++] = size;
  else if (size <= 0xffff) {
    target[o++] = 126;
    target.writeUInt16BE(size, o);
    o += 2;
  } else {
    target[o++] = 127;
    target.writeUInt32BE(Math.floor(size / 2 ** 32), o);
    target.writeUInt32BE(size >>> 0, o + 4);
    o += 8;
  }
  const m0 = source[maskAt]!;
  const m1 = source[maskAt + 1]!;
  const m2 = source[maskAt + 2]!;
  const m3 = source[maskAt + 3]!;
  const from = maskAt + 4;
  let i = 0;
  for (; i + 4 <= size; i += 4) {
    target[o + i] = source[from + i]! ^ m0;
    target[o + i + 1] = source[from + i + 1]! ^ m1;
    target[o + i + 2] = source[from + i + 2]! ^ m2;
    target[o + i + 3] = source[from + i + 3]! ^ m3;
  }
  for (; i < size; i++) target[o + i] = source[from + i]! ^ (i % 4 === 0 ? m0 : i % 4 === 1 ? m1 : i % 4 === 2 ? m2 : m3);
  return o + size;
}

const argv = process.argv.slice(2);
const hostAt = argv.indexOf('--host');
const host = hostAt >= 0 ? (argv[hostAt + 1] ?? '127.0.0.1') : '127.0.0.1';
const port = Number(argv.find((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--host') ?? 9003);

const server = createServer({ noDelay: true }, (socket) => {
  const peer: Peer = { socket, head: '', carry: undefined };
  let upgraded = false;
  socket.on('error', () => {});
  socket.on('close', () => {
    if (upgraded) open--;
  });
  const handle = (chunk: Buffer): void => {
    if (peer.head !== undefined) {
      accept(peer, chunk);
      upgraded = peer.head === undefined;
    } else frames(peer, chunk);
  };
  socket.on('data', handle);
});
// Many connections arrive at once at the scale run: a deep accept queue.
server.listen({ port, host, backlog: 4096 }, () => {
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  console.log(`ready lean echo server on ws://${host}:${bound}/ (pid ${process.pid})`);
  process.send?.({ type: 'ready', port: bound });
});

export interface LeanServerStats {
  type: 'stats';
  echoed: number;
  open: number;
  /** process.cpuUsage() in microseconds, and the clock it was read at (ms). */
  cpu: number;
  atMs: number;
  rss: number;
}

process.on('message', (message: { type?: string }) => {
  if (message.type !== 'stats') return;
  const cpu = process.cpuUsage();
  const stats: LeanServerStats = { type: 'stats', echoed, open, cpu: cpu.user + cpu.system, atMs: performance.now(), rss: process.memoryUsage.rss() };
  process.send?.(stats);
});
process.on('disconnect', () => process.exit(0));
