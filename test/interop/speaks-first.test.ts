/**
 * Peers that speak first, right after the opening handshake, in both roles: their server pushes
 * messages the moment the connection opens, their client sends a burst the moment it opens. The
 * raw peers go further and put the handshake and the frames in ONE write: a 101 followed by
 * frames, an Upgrade request followed by a large masked frame, so the first frame bytes arrive
 * in the same read as the handshake's end and the rest in the reads after it.
 *
 * Every case checks every byte and the order of every message, with and without
 * permessage-deflate (the messages are noise, so they stay large compressed).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as netConnect, createServer, type AddressInfo, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { WebSocket as WsClient, WebSocketServer as WsServer } from 'ws';
import { connect, WebSocketServer, type WebSocket } from '../../src/index.js';
import { deflated } from '../conformance/deflate-peer.js';
import { acceptFor, encodeFrame, RawPeer, readHead } from '../conformance/raw-peer.js';

/** Which messages a case sends, as a query every peer reads (see messageAt). */
interface MessageSet {
  count: number;
  size: number;
  /** Message i is size + (i * 37) % spread bytes. */
  spread?: number;
  kind: 'text' | 'binary' | 'mixed';
}

const SETS: Array<[string, MessageSet]> = [
  ['one message of 70 KB', { count: 1, size: 70_000, kind: 'text' }],
  ['one message of 300 KB', { count: 1, size: 300_000, kind: 'binary' }],
  ['one message of 1 MiB', { count: 1, size: 1024 * 1024, kind: 'binary' }],
  ['200 messages of ~1 KiB in one burst', { count: 200, size: 1000, spread: 48, kind: 'mixed' }],
  // 1 to 125 bytes: the frames the core reads in one step (takeSmallMessage), the first ones in the handshake's read.
  ['300 small messages of 1–125 B in one burst', { count: 300, size: 1, spread: 125, kind: 'mixed' }],
];

const PERIOD = 40_000;
const CASE = { timeout: 20_000 };
const WAIT = 10_000;

/** Pseudo-random bytes (an LCG), repeating after PERIOD: longer than a DEFLATE window. The same as speaks_first.py. */
function noise(seed: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed;
  for (let j = 0; j < length; j++) {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    out[j] = (x >>> 16) & 0xff;
  }
  return out;
}

/** Message i of a set: text (ASCII letters) or binary. */
function messageAt(i: number, set: MessageSet): string | Buffer {
  const size = set.size + ((i * 37) % (set.spread ?? 1));
  const period = noise(i + 1, Math.min(size, PERIOD));
  const data = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += PERIOD) period.copy(data, at, 0, Math.min(PERIOD, size - at));
  if (set.kind === 'text' || (set.kind === 'mixed' && i % 2 === 0)) {
    for (let j = 0; j < size; j++) data[j] = 97 + (data[j]! % 26);
    return data.toString('latin1');
  }
  return data;
}

function messagesOf(set: MessageSet): Array<string | Buffer> {
  return Array.from({ length: set.count }, (_, i) => messageAt(i, set));
}

function query(set: MessageSet): string {
  return `count=${set.count}&size=${set.size}&spread=${set.spread ?? 1}&kind=${set.kind}`;
}

function setFromUrl(url: string): MessageSet {
  const params = new URL(url, 'http://localhost').searchParams;
  return {
    count: Number(params.get('count')),
    size: Number(params.get('size')),
    spread: Number(params.get('spread')),
    kind: params.get('kind') as MessageSet['kind'],
  };
}

/** Every message, byte for byte and in order; a short description of the first difference. */
function assertSameMessages(received: Array<string | Buffer>, expected: Array<string | Buffer>): void {
  assert.equal(received.length, expected.length, 'message count');
  received.forEach((message, i) => {
    const want = expected[i]!;
    assert.equal(typeof message, typeof want, `message ${i}: text or binary`);
    const same = typeof want === 'string' ? message === want : Buffer.isBuffer(message) && message.equals(want);
    assert.ok(same, `message ${i} (${want.length} B) differs`);
  });
}

/** A peer that speaks first, in one role or both. */
interface FirstSpeaker {
  name: string;
  /** Its server: on each connection, sends the set in the request's query at once. */
  server?(deflate: boolean): Promise<{ port: number; stop(): Promise<void> }>;
  /** Its client: connects, sends the set in the URL's query at once, waits for the close. */
  client?(url: string, deflate: boolean): Promise<void>;
}

const wsSpeaker: FirstSpeaker = {
  name: 'ws',
  async server(deflate) {
    const server = new WsServer({ port: 0, host: '127.0.0.1', perMessageDeflate: deflate && { threshold: 0 } });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (ws, request) => {
      for (const message of messagesOf(setFromUrl(request.url ?? '/'))) ws.send(message);
    });
    return {
      port: (server.address() as AddressInfo).port,
      stop: () =>
        new Promise<void>((resolve) => {
          for (const client of server.clients) client.terminate();
          server.close(() => resolve());
        }),
    };
  },
  client: (url, deflate) =>
    new Promise((resolve, reject) => {
      const ws = new WsClient(url, { perMessageDeflate: deflate && { threshold: 0 } });
      ws.on('open', () => {
        for (const message of messagesOf(setFromUrl(url))) ws.send(message);
      });
      ws.on('error', reject);
      ws.on('close', () => resolve());
    }),
};

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'interop', 'python', 'speaks_first.py');
const children = new Set<ChildProcess>();

function python(args: string[]): { child: ChildProcess; lines: AsyncIterableIterator<string> } {
  // stdin stays open as a lifeline: the script exits when it closes.
  const child = spawn(PYTHON, [SCRIPT, ...args], { cwd: dirname(SCRIPT), stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  child.once('close', () => children.delete(child));
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
}

async function firstLine(lines: AsyncIterableIterator<string>, what: string): Promise<Record<string, number>> {
  const line = await lines.next();
  if (line.done) throw new Error(`speaks_first.py ended before ${what}`);
  return JSON.parse(line.value) as Record<string, number>;
}

const pythonSpeaker: FirstSpeaker = {
  name: 'Python websockets',
  async server(deflate) {
    const { child, lines } = python(['server', deflate ? 'deflate' : 'none']);
    const { port } = await firstLine(lines, 'listening');
    return { port: port!, stop: () => stop(child) };
  },
  async client(url, deflate) {
    const { child, lines } = python(['client', url, deflate ? 'deflate' : 'none']);
    try {
      const { closed } = await firstLine(lines, 'the close');
      assert.equal(closed, 1000);
    } finally {
      await stop(child);
    }
  },
};

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('close', () => resolve());
    child.stdin!.end();
    child.kill('SIGTERM');
  });
}

after(() => Promise.all([...children].map(stop)));

/** permessage-deflate from the raw peers: each message compressed on its own (no context takeover). */
function rawFrames(set: MessageSet, deflate: boolean, masked: boolean): Buffer {
  return Buffer.concat(
    messagesOf(set).map((message) => {
      const data = typeof message === 'string' ? Buffer.from(message) : message;
      const op = typeof message === 'string' ? 0x1 : 0x2;
      return encodeFrame(deflate ? { op, data: deflated(data), rsv: 4 } : { op, data }, masked);
    }),
  );
}

/** A raw server that writes its 101 and the frames of the requested set in ONE write. */
const rawSpeaker: FirstSpeaker = {
  name: 'a raw peer (handshake and frames in one write)',
  async server(deflate) {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => sockets.delete(socket));
      void readHead(socket).then(
        ({ head }) => {
          const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
          const lines = ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptFor(key)}`];
          if (deflate) lines.push('Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover');
          const set = setFromUrl(head.split(' ')[1] ?? '/');
          socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), rawFrames(set, deflate, false)]));
          // Answer the client's Close, then let it go.
          const peer = new RawPeer(socket, 'server', Buffer.alloc(0));
          void peer.waitForClose(WAIT).then((frame) => peer.write(peer.encode({ op: 0x8, data: frame.payload })).then(() => socket.end()));
        },
        () => socket.destroy(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as AddressInfo).port,
      stop: () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    };
  },
  async client(url, deflate) {
    const { port, pathname, search } = new URL(url);
    const socket = netConnect({ host: '127.0.0.1', port: Number(port) });
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    const request = [
      `GET ${pathname}${search} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      'Sec-WebSocket-Version: 13',
      ...(deflate ? ['Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover'] : []),
    ];
    socket.write(Buffer.concat([Buffer.from(`${request.join('\r\n')}\r\n\r\n`), rawFrames(setFromUrl(url), deflate, true)]));
    const { head, rest } = await readHead(socket);
    assert.match(head, /^HTTP\/1\.1 101 /);
    assert.equal(/^sec-websocket-extensions:[^\r\n]*permessage-deflate/im.test(head), deflate, `the 101: ${head}`);
    const peer = new RawPeer(socket, 'client', rest);
    const close = await peer.waitForClose(WAIT);
    await peer.write(peer.encode({ op: 0x8, data: close.payload }));
    await peer.waitForEof(WAIT);
    socket.end();
  },
};

const SPEAKERS = [wsSpeaker, pythonSpeaker, rawSpeaker];

for (const speaker of SPEAKERS) {
  for (const deflate of [false, true]) {
    const mode = deflate ? 'with permessage-deflate' : 'without compression';

    describe(`our client, ${speaker.name}'s server speaks first, ${mode}`, () => {
      let theirs: { port: number; stop(): Promise<void> } | undefined;
      after(() => theirs?.stop());

      for (const [name, set] of SETS) {
        test(name, CASE, async () => {
          theirs ??= await speaker.server!(deflate);
          const ws = await connect(`ws://127.0.0.1:${theirs.port}/push?${query(set)}`, { perMessageDeflate: deflate, closeTimeout: 3000 });
          assert.equal(ws.extensions.includes('permessage-deflate'), deflate, `extensions: ${ws.extensions}`);
          // Listeners attached after `await connect()` see every message, the first one included.
          const received = await collect(ws, set.count);
          assertSameMessages(received, messagesOf(set));
          ws.close(1000);
          await closedCleanly(ws);
        });
      }
    });

    describe(`our server, ${speaker.name}'s client speaks first, ${mode}`, () => {
      let ours: WebSocketServer | undefined;
      after(() => ours?.close());

      for (const [name, set] of SETS) {
        test(name, CASE, async () => {
          if (!ours) {
            ours = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: deflate, closeTimeout: 3000 });
            await ours.ready();
          }
          const accepted = new Promise<WebSocket>((resolve) => ours!.once('connection', resolve));
          const client = speaker.client!(`ws://127.0.0.1:${ours.address().port}/push?${query(set)}`, deflate);
          const ws = await accepted;
          assert.equal(ws.extensions.includes('permessage-deflate'), deflate, `extensions: ${ws.extensions}`);
          const received = await collect(ws, set.count);
          assertSameMessages(received, messagesOf(set));
          ws.close(1000);
          await Promise.all([closedCleanly(ws), client]);
        });
      }
    });
  }
}

/** The first `count` messages, as text or Buffer; rejects if the socket closes or fails first. */
function collect(ws: WebSocket, count: number): Promise<Array<string | Buffer>> {
  return new Promise((resolve, reject) => {
    const received: Array<string | Buffer> = [];
    const timer = setTimeout(() => reject(new Error(`${received.length} of ${count} messages within ${WAIT} ms`)), WAIT);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      received.push(isBinary ? data : data.toString('utf8'));
      if (received.length !== count) return;
      clearTimeout(timer);
      resolve(received);
    });
    ws.on('error', (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.on('close', (code: number, reason: string) => {
      clearTimeout(timer);
      reject(new Error(`closed ${code} "${reason}" after ${received.length} of ${count} messages`));
    });
  });
}

async function closedCleanly(ws: WebSocket): Promise<void> {
  const [code, , wasClean] = await new Promise<[number, string, boolean]>((resolve) => ws.once('close', (...args: [number, string, boolean]) => resolve(args)));
  assert.deepEqual({ code, wasClean }, { code: 1000, wasClean: true });
}
