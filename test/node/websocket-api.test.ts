import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import { constants, deflateRawSync } from 'node:zlib';
import { serializeFrame } from '../../src/protocol/frame.js';
import { connect, HandshakeError, WebSocket, WebSocketServer, type CloseEvent, type MessageEvent, type ObservedFrame } from '../../src/index.js';
import { closed, echoServer, messages } from './helpers.js';

describe('the WHATWG surface', { timeout: 10_000 }, () => {
  test('new WebSocket(url, protocol) opens, negotiates, exchanges and closes like a browser socket', async () => {
    const { server, url } = await echoServer({ protocols: ['chat', 'superchat'] });
    const socket = new WebSocket(`${url}/room`, ['superchat', 'chat']);
    assert.equal(socket.readyState, WebSocket.CONNECTING);
    assert.throws(() => socket.send('too early'), /CONNECTING/);
    const events: string[] = [];
    socket.onopen = () => {
      events.push(`open ${socket.protocol}`);
      socket.send('héllo');
    };
    socket.onmessage = (event: MessageEvent) => {
      events.push(`message ${String(event.data)}`);
      socket.close(4001, 'done ✓');
      assert.equal(socket.readyState, WebSocket.CLOSING);
    };
    const closeEvent = await new Promise<CloseEvent>((resolve) => {
      socket.onclose = resolve;
    });
    assert.deepEqual(events, ['open chat', 'message héllo']);
    assert.equal(closeEvent.code, 4001);
    assert.equal(closeEvent.reason, 'done ✓');
    assert.equal(closeEvent.wasClean, true);
    assert.equal(socket.readyState, WebSocket.CLOSED);
    assert.equal(socket.url, `${url}/room`);
    await server.close();
  });

  test('binaryType decides what binary messages look like', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url);
    const seen: unknown[] = [];
    socket.addEventListener('message', (event: MessageEvent) => seen.push(event.data));
    for (const type of ['nodebuffer', 'arraybuffer', 'blob'] as const) {
      socket.binaryType = type;
      socket.send(new Uint8Array([1, 2, 3]));
      await once(socket, 'message');
    }
    assert.ok(Buffer.isBuffer(seen[0]));
    assert.ok(seen[1] instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(seen[1] as ArrayBuffer)], [1, 2, 3]);
    assert.ok(seen[2] instanceof Blob);
    assert.deepEqual([...new Uint8Array(await (seen[2] as Blob).arrayBuffer())], [1, 2, 3]);
    socket.close();
    await closed(socket);
    await server.close();
  });

  test('addEventListener with once, and removeEventListener', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url);
    let onceCount = 0;
    let removedCount = 0;
    const removed = () => removedCount++;
    socket.addEventListener('message', () => onceCount++, { once: true });
    socket.addEventListener('message', removed);
    socket.removeEventListener('message', removed);
    const both = messages(socket, 2);
    socket.send('a');
    socket.send('b');
    await both;
    assert.equal(onceCount, 1);
    assert.equal(removedCount, 0);
    socket.close();
    await closed(socket);
    await server.close();
  });

  test('close() refuses codes that may not be sent and reasons over 123 bytes', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url);
    assert.throws(() => socket.close(1005), RangeError);
    assert.throws(() => socket.close(1006), RangeError);
    assert.throws(() => socket.close(999), RangeError);
    assert.throws(() => socket.close(1000, 'é'.repeat(62)), /124 bytes/);
    assert.equal(socket.readyState, WebSocket.OPEN);
    socket.close(1000, 'x'.repeat(123));
    assert.deepEqual(await closed(socket), { code: 1000, reason: 'x'.repeat(123), wasClean: true });
    await server.close();
  });
});

describe('sending and receiving', { timeout: 10_000 }, () => {
  test('messages arrive in order, text as text and binary as binary', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url);
    const received: Array<[string, boolean]> = [];
    socket.on('message', (data: Buffer, isBinary: boolean) => received.push([data.toString(), isBinary]));
    const all = messages(socket, 500);
    for (let i = 0; i < 500; i++) socket.send(i % 2 ? `text ${i}` : Buffer.from(`binary ${i}`));
    await all;
    received.forEach(([data, isBinary], i) => {
      assert.equal(data, i % 2 ? `text ${i}` : `binary ${i}`);
      assert.equal(isBinary, i % 2 === 0);
    });
    socket.close();
    await closed(socket);
    await server.close();
  });

  test('send tells when the data has reached the kernel, by callback and by promise', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url);
    const flushed = await new Promise<unknown>((resolve) => socket.send('one', resolve));
    assert.equal(flushed ?? 'no error', 'no error');
    await socket.sendAsync(Buffer.alloc(1024 * 1024, 7));
    socket.close();
    const error = await new Promise<unknown>((resolve) => socket.send('after close', resolve));
    assert.match(String(error), /CLOSING|CLOSED/);
    await assert.rejects(socket.sendAsync('after close'), /cannot send/);
    await closed(socket);
    await server.close();
  });

  test('for await yields every message and ends when the connection closes', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url);
    socket.send('first');
    socket.send(Buffer.from([0xff, 0x00]));
    socket.send('last');
    const seen: Array<string | Buffer> = [];
    for await (const message of socket) {
      seen.push(message);
      if (message === 'last') socket.close(1000);
    }
    assert.deepEqual(seen, ['first', Buffer.from([0xff, 0x00]), 'last']);
    assert.equal(socket.readyState, WebSocket.CLOSED);
    await server.close();
  });

  test('a ping is answered with a pong and its round-trip time is reported', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url);
    const serverSide = [...server.clients][0]!;
    const pinged = once(serverSide, 'ping');
    socket.ping('are you there?');
    const [pongData, rtt] = await once(socket, 'pong');
    assert.equal(String((await pinged)[0]), 'are you there?');
    assert.equal(String(pongData), 'are you there?');
    assert.equal(typeof rtt, 'number');
    assert.ok(rtt >= 0);
    socket.close();
    await closed(socket);
    await server.close();
  });

  test('a heartbeat against a live peer keeps the connection and reports round-trip times', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url, { heartbeat: { interval: 20, timeout: 500 } });
    const rtts: number[] = [];
    socket.on('rtt', (ms: number) => rtts.push(ms));
    await new Promise<void>((resolve) => socket.on('rtt', () => rtts.length >= 3 && resolve()));
    assert.equal(socket.readyState, WebSocket.OPEN);
    socket.close();
    await closed(socket);
    await server.close();
  });
});

describe('closing', { timeout: 10_000 }, () => {
  test('replies to messages that arrived in the same read as the Close still go out, before the Close reply', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url);
    const maskKey = Buffer.from([1, 2, 3, 4]);
    const frames = [
      serializeFrame({ opcode: 0x1, payload: Buffer.from('first'), maskKey }),
      serializeFrame({ opcode: 0x2, payload: Buffer.from([9, 8, 7]), maskKey }),
      serializeFrame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe8, 0x62, 0x79, 0x65]), maskKey }),
    ];
    const seen: string[] = [];
    socket.on('message', (data: Buffer, isBinary: boolean) => seen.push(isBinary ? data.toString('hex') : data.toString()));
    const result = closed(socket);
    socket.sendRaw(Buffer.concat(frames));
    assert.deepEqual(await result, { code: 1000, reason: 'bye', wasClean: true });
    assert.deepEqual(seen, ['first', '090807']);
    await server.close();
  });

  test('so do replies to compressed messages, which the server inflates and compresses asynchronously', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url);
    assert.match(socket.extensions, /^permessage-deflate/);
    // RFC 7692 §7.2.1: compress, flush, drop the trailing 00 00 FF FF.
    const compress = (text: string) => {
      const out = deflateRawSync(Buffer.from(text), { finishFlush: constants.Z_SYNC_FLUSH });
      return out.subarray(0, out.length - 4);
    };
    const texts = [`${'a'.repeat(3000)} one`, `${'b'.repeat(3000)} two`, `${'c'.repeat(3000)} three`];
    const maskKey = Buffer.from([9, 9, 9, 9]);
    const wire = Buffer.concat([
      ...texts.map((text) => serializeFrame({ opcode: 0x1, rsv1: true, payload: compress(text), maskKey })),
      serializeFrame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe8]), maskKey }),
    ]);
    const seen: string[] = [];
    socket.on('message', (data: Buffer) => seen.push(data.toString()));
    const result = closed(socket);
    socket.sendRaw(wire);
    assert.equal((await result).code, 1000);
    assert.deepEqual(seen, texts);
    await server.close();
  });
});

describe('observing frames', { timeout: 10_000 }, () => {
  test('every frame in and out is seen with its header fields, payload and time', async () => {
    const { server, url } = await echoServer();
    const socket = await connect(url);
    const frames: ObservedFrame[] = [];
    socket.on('frame', (frame: ObservedFrame) => frames.push(frame));
    socket.send('observe me');
    await once(socket, 'message');
    socket.close(1000, 'bye');
    await closed(socket);
    const summary = frames.map((f) => `${f.direction} ${f.opcode} fin=${f.fin} masked=${f.masked} ${f.payloadLength}`);
    assert.deepEqual(summary, [
      'out 1 fin=true masked=true 10',
      'in 1 fin=true masked=false 10',
      'out 8 fin=true masked=true 5',
      'in 8 fin=true masked=false 5',
    ]);
    assert.equal(frames[0]!.payload.toString(), 'observe me');
    assert.equal(frames[0]!.maskKey?.length, 4);
    assert.equal(frames[1]!.payload.toString(), 'observe me');
    for (const frame of frames) assert.ok(Math.abs(frame.timestamp - Date.now()) < 60_000);
    await server.close();
  });
});

describe('raw mode', { timeout: 10_000 }, () => {
  test('a client can send invalid frames and sees how the server answers', async () => {
    const cases = [
      { name: 'reserved opcode', frame: { opcode: 0x3, payload: Buffer.from('x'), mask: true }, code: 1002 },
      { name: 'RSV2 set', frame: { opcode: 0x1, payload: Buffer.from('x'), rsv2: true, mask: true }, code: 1002 },
      { name: 'unmasked client frame', frame: { opcode: 0x1, payload: Buffer.from('x') }, code: 1002 },
      { name: 'broken UTF-8', frame: { opcode: 0x1, payload: Buffer.from([0xce, 0xba, 0xe1]), mask: true }, code: 1007 },
      { name: 'close code 1005 on the wire', frame: { opcode: 0x8, payload: Buffer.from([0x03, 0xed]), mask: true }, code: 1002 },
    ];
    const { server, url } = await echoServer();
    for (const { name, frame, code } of cases) {
      const socket = await connect(url);
      socket.sendFrame(frame);
      const result = await closed(socket);
      assert.equal(result.code, code, name);
    }
    await server.close();
  });
});

describe('the server', { timeout: 10_000 }, () => {
  test('an async accept hook can refuse with a status and message, or pick the subprotocol', async () => {
    const { server, url } = await echoServer({
      accept: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (request.headers['authorization'] !== 'Bearer good') return { accept: false, status: 401, message: 'token expired' };
        return { accept: true, protocol: 'v2' };
      },
    });
    const error = await connect(url, { headers: { Authorization: 'Bearer bad' } }).catch((e: unknown) => e);
    assert.ok(error instanceof HandshakeError);
    assert.equal(error.status, 401);
    const socket = await connect(url, { headers: { Authorization: 'Bearer good' }, protocols: ['v1', 'v2'] });
    assert.equal(socket.protocol, 'v2');
    socket.close();
    await closed(socket);
    await server.close();
  });

  test('attached to an http.Server, it serves upgrades on its path and leaves plain requests alone', async () => {
    const http = createServer((_req, res) => res.end('plain http'));
    const wss = new WebSocketServer({ server: http, path: '/ws' });
    wss.on('connection', (socket: WebSocket) => socket.on('message', (data: Buffer) => socket.send(`echo ${data}`)));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const port = wss.address().port;
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'plain http');
    const socket = await connect(`ws://127.0.0.1:${port}/ws`);
    socket.send('hi');
    assert.equal(String((await once(socket, 'message'))[0]), 'echo hi');
    const wrongPath = await connect(`ws://127.0.0.1:${port}/other`).catch((e: unknown) => e);
    assert.equal((wrongPath as HandshakeError).status, 404);
    socket.close();
    await closed(socket);
    await wss.close();
    http.close();
  });

  test('close() says 1001 to every client and waits for them', async () => {
    const { server, url } = await echoServer();
    const sockets = await Promise.all([connect(url), connect(url), connect(url)]);
    const results = sockets.map(closed);
    assert.equal(server.clients.size, 3);
    await server.close();
    for (const result of await Promise.all(results)) assert.deepEqual(result, { code: 1001, reason: 'server shutting down', wasClean: true });
    assert.equal(server.clients.size, 0);
    const refused = await connect(url).catch((e: unknown) => e);
    assert.equal((refused as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  });
});

describe('a throwing accept hook', { timeout: 10_000 }, () => {
  test('answers 500 and the server keeps serving, with or without an error listener', async () => {
    for (const listening of [false, true]) {
      let calls = 0;
      const { server, url } = await echoServer({
        accept: async () => {
          if (calls++ === 0) throw new Error('hook bug');
          return true;
        },
      });
      // ready() must not leave a listener of its own behind, or errors would vanish into it.
      assert.equal(server.listenerCount('error'), 0);
      const errors: unknown[] = [];
      if (listening) server.on('error', (error: unknown) => errors.push(error));
      const refused = await connect(url).catch((e: unknown) => e);
      assert.ok(refused instanceof HandshakeError);
      assert.equal(refused.status, 500);
      assert.deepEqual(errors.map(String), listening ? ['Error: hook bug'] : []);
      const socket = await connect(url);
      socket.send('still here');
      assert.equal(String((await once(socket, 'message'))[0]), 'still here');
      socket.close();
      await closed(socket);
      await server.close();
    }
  });
});

describe('a throwing connection listener', { timeout: 10_000 }, () => {
  test('closes that connection with 1011 (no HTTP bytes after the 101) and the server keeps serving', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    const errors: unknown[] = [];
    server.on('error', (error: unknown) => errors.push(error));
    let first = true;
    server.on('connection', (socket: WebSocket) => {
      if (first) {
        first = false;
        throw new Error('listener bug');
      }
      socket.on('message', (data: Buffer) => socket.send(data.toString()));
    });
    const url = `ws://127.0.0.1:${server.address().port}`;
    const victim = await connect(url);
    assert.deepEqual(await closed(victim), { code: 1011, reason: '', wasClean: true });
    assert.deepEqual(errors.map(String), ['Error: listener bug']);
    const socket = await connect(url);
    socket.send('still here');
    assert.equal(String((await once(socket, 'message'))[0]), 'still here');
    socket.close();
    await closed(socket);
    await server.close();
  });
});
