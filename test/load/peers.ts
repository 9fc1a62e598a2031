/**
 * The servers wscope load is run against in its tests: `ws`, our own (src/node) and Python
 * websockets echo servers, and servers of our own that misbehave in known ways (a fixed delay,
 * pushes, silence, refusals, dropped connections).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocketServer as WsServer } from 'ws';
import { type WebSocket, WebSocketServer } from '../../src/index.js';
import { ROOT } from '../cli/helpers.js';
import { acceptFor, encodeFrame, readHead } from '../conformance/raw-peer.js';
import { echoServer } from '../node/helpers.js';
import { mulberry32 } from '../protocol/helpers.js';

export interface TestServer {
  name: string;
  url: string;
  close(): Promise<void>;
}

/**
 * The `ws` package's server, echoing every message after `delayMs` (0: at once); every other
 * handshake is answered `lateOpenMs` late, so those connections open well after the rest.
 */
/**
 * Run `action` no sooner than `ms` from now. A timer alone can fire early by as much as the
 * event loop's clock is stale (it is read once per turn, and a loaded test machine makes turns
 * long), and the latency tests assert that nothing is faster than the delay.
 */
function afterAtLeast(ms: number, action: () => void): void {
  const due = performance.now() + ms;
  const check = (): void => {
    const left = due - performance.now();
    if (left > 0) setTimeout(check, Math.ceil(left));
    else action();
  };
  setTimeout(check, ms);
}

export async function wsEcho(delayMs = 0, lateOpenMs = 0): Promise<TestServer> {
  let handshakes = 0;
  const verifyClient = (_info: unknown, accept: (ok: boolean) => void): void => {
    setTimeout(() => accept(true), handshakes++ % 2 === 1 ? lateOpenMs : 0);
  };
  const server = new WsServer({ port: 0, host: '127.0.0.1', ...(lateOpenMs > 0 && { verifyClient }) });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      if (delayMs === 0) socket.send(data, { binary: isBinary });
      else afterAtLeast(delayMs, () => socket.readyState === socket.OPEN && socket.send(data, { binary: isBinary }));
    });
  });
  const { port } = server.address() as { port: number };
  return {
    name: 'ws',
    url: `ws://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** Our own server (src/node), echoing. */
export async function ourEcho(): Promise<TestServer> {
  const { server, url } = await echoServer();
  return { name: 'wscope', url, close: () => server.close() };
}

const children = new Set<ChildProcess>();

/** Python websockets (Debian's python3-websockets), echoing, in a child process. */
export async function pythonEcho(): Promise<TestServer> {
  const child = spawn('/usr/bin/python3', [join(ROOT, 'test', 'load', 'echo_server.py')], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`echo_server.py exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return {
    name: 'Python websockets',
    url: `ws://127.0.0.1:${port.trim()}/`,
    close: async () => {
      child.kill('SIGKILL');
      children.delete(child);
    },
  };
}

export function killPythonServers(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

/** Our server, each message answered by `answer` (which may send anything, or nothing). */
export async function scriptedServer(
  answer: (socket: WebSocket, data: Buffer, count: number) => void,
  options: ConstructorParameters<typeof WebSocketServer>[0] = {},
): Promise<TestServer & { server: WebSocketServer; remoteAddresses: string[] }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  const remoteAddresses: string[] = [];
  server.on('connection', (socket: WebSocket) => {
    remoteAddresses.push(socket.remoteAddress ?? '');
    let count = 0;
    socket.on('message', (data: Buffer) => answer(socket, data, ++count));
  });
  await server.ready();
  return { name: 'scripted', server, remoteAddresses, url: `ws://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

/** What a raw frame server does with one connection: each client frame, and the socket to answer on. */
type FrameHandler = (op: number, payload: Buffer) => void;

/**
 * A raw server for the seams our own servers never make: it answers the handshake with the 101
 * and `first` (frames) in ONE write, so they arrive in the client's read that ends the handshake
 * (RFC 6455 §4.2.2 lets a server send frames right after the 101), then hands each client frame
 * (small and unfragmented: 2 header bytes, a 4-byte key, under 126 bytes, RFC 6455 §5.2),
 * unmasked, to the handler `connection` made for the socket.
 */
async function rawFrameServer(name: string, first: Buffer, connection: (socket: Socket) => FrameHandler): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const onFrame = connection(socket);
    void readHead(socket).then(
      ({ head, rest }) => {
        const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
        const answer = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n\r\n`;
        socket.write(Buffer.concat([Buffer.from(answer, 'latin1'), first]));
        let buffered = rest;
        const onData = (chunk: Buffer) => {
          buffered = Buffer.concat([buffered, chunk]);
          while (buffered.length >= 6 && buffered.length >= 6 + (buffered[1]! & 0x7f)) {
            const length = buffered[1]! & 0x7f;
            const mask = buffered.subarray(2, 6);
            const payload = Buffer.from(buffered.subarray(6, 6 + length).map((byte, i) => byte ^ mask[i & 3]!));
            const op = buffered[0]! & 0x0f;
            buffered = buffered.subarray(6 + length);
            onFrame(op, payload);
          }
        };
        socket.on('data', onData);
        socket.resume();
        if (rest.length > 0) onData(Buffer.alloc(0));
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `ws://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A server that speaks first (a text frame `greeting` in the 101's write), then echoes each message and answers a Close with a Close. */
export function greetingEchoServer(greeting: string): Promise<TestServer> {
  return rawFrameServer('greeting', encodeFrame({ op: 0x1, data: greeting }, false), (socket) => (op, payload) => {
    socket.write(encodeFrame({ op, data: payload }, false));
    if (op === 0x8) socket.end();
  });
}

/**
 * An echo server that makes every seam it can: a text greeting and a ping in the 101's write;
 * then whatever it sends goes out cut at random places (a seeded PRNG, pieces of 1 to 40
 * bytes), one piece per turn of its event loop, so replies reach the client split inside
 * headers and payloads and glued to each other. Before every 3rd echo it sends a ping, before
 * every 5th a 200-byte binary message (the 16-bit length form), and after the 10th a text
 * message in two fragments: the pushes are `pushesPer(n)` of the first n echoes, plus the greeting.
 */
export async function seamEchoServer(seed: number): Promise<TestServer & { pushesPer(echoes: number): number }> {
  const random = mulberry32(seed);
  const first = Buffer.concat([encodeFrame({ op: 0x1, data: 'hello' }, false), encodeFrame({ op: 0x9, data: 'first' }, false)]);
  const server = await rawFrameServer('seams', first, (socket) => {
    let out: Buffer[] = [];
    let pumping = false;
    const pump = (): void => {
      let pending = Buffer.concat(out);
      out = [];
      if (pending.length === 0 || socket.destroyed) {
        pumping = false;
        return;
      }
      const cut = 1 + Math.floor(random() * 40);
      socket.write(pending.subarray(0, cut));
      pending = pending.subarray(cut);
      if (pending.length > 0) out.unshift(pending);
      setImmediate(pump);
    };
    const send = (bytes: Buffer): void => {
      out.push(bytes);
      if (!pumping) {
        pumping = true;
        setImmediate(pump);
      }
    };
    let echoes = 0;
    return (op, payload) => {
      if (op === 0x8) {
        send(encodeFrame({ op, data: payload }, false));
        setTimeout(() => socket.end(), 50);
        return;
      }
      if (op !== 0x1 && op !== 0x2) return;
      echoes++;
      if (echoes % 3 === 0) send(encodeFrame({ op: 0x9, data: `ping ${echoes}` }, false));
      if (echoes % 5 === 0) send(encodeFrame({ op: 0x2, data: Buffer.alloc(200, echoes & 0xff) }, false));
      send(encodeFrame({ op, data: payload }, false));
      if (echoes === 10) {
        send(encodeFrame({ op: 0x1, data: 'two ', fin: false }, false));
        send(encodeFrame({ op: 0x0, data: 'fragments' }, false));
      }
    };
  });
  return { ...server, pushesPer: (echoes) => 1 + Math.floor(echoes / 5) + (echoes >= 10 ? 1 : 0) };
}
