/**
 * permessage-deflate over real loopback sockets, wscope against itself and against a raw peer
 * built on the core: negotiation defaults and switches, order across zlib, the limits (1007,
 * 1009, a decompression bomb), and a client refusing a response its offer did not allow.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { constants, deflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { connect, HandshakeError, WebSocket, WebSocketServer, type ObservedFrame } from '../../src/index.js';
import { acceptKey, buildClientRequest, generateKey } from '../../src/protocol/handshake.js';
import { HeadReader } from '../../src/protocol/http-head.js';
import { Connection, Opcode } from '../../src/protocol/index.js';
import { closed, compressZeros, echoServer, messages } from './helpers.js';

const MiB = 1024 * 1024;

/** A raw client on the core: it offers `extensions` and sends whatever frames the test builds. */
async function rawClient(port: number, extensions: string): Promise<{ socket: Socket; connection: Connection; response: string }> {
  const socket = netConnect(port, '127.0.0.1');
  await once(socket, 'connect');
  const key = generateKey();
  socket.write(buildClientRequest({ host: `127.0.0.1:${port}`, path: '/', key, extensions }));
  const reader = new HeadReader();
  const connection = new Connection({ role: 'client', allowRsv1: true });
  const response = await new Promise<string>((resolve) => {
    const onData = (chunk: Buffer) => {
      const done = reader.push(chunk);
      if (!done) return;
      socket.off('data', onData);
      socket.on('data', (more: Buffer) => connection.receiveData(more));
      if (done.rest.length) connection.receiveData(Buffer.from(done.rest));
      resolve(done.head.toString('latin1'));
    };
    socket.on('data', onData);
  });
  assert.match(response, new RegExp(`Sec-WebSocket-Accept: ${acceptKey(key).replace(/[+/]/g, '\\$&')}`));
  return { socket, connection, response };
}

/** Send what the core queued. */
function flush(socket: Socket, connection: Connection): void {
  for (const chunk of connection.takeOutgoing()) socket.write(chunk);
}

/** The Close the server sent, once the socket has ended. */
async function serverClose(socket: Socket, connection: Connection): Promise<{ code: number; reason: string } | undefined> {
  if (!socket.readableEnded && !socket.destroyed) await once(socket, 'close');
  return connection.receivedClose;
}

describe('negotiation over real sockets', () => {
  test('on by default: the client offers, the server accepts, both expose the agreement', async () => {
    const { server, url } = await echoServer();
    let seenOffer = '';
    let serverExtensions = '';
    server.on('connection', (socket: WebSocket, request: { headers: Record<string, string> }) => {
      seenOffer = request.headers['sec-websocket-extensions'] ?? '';
      serverExtensions = socket.extensions;
    });
    try {
      const client = await connect(url);
      assert.equal(seenOffer, 'permessage-deflate; client_max_window_bits');
      assert.equal(client.extensions, 'permessage-deflate');
      assert.equal(serverExtensions, 'permessage-deflate');
      client.close();
      await closed(client);
    } finally {
      await server.close();
    }
  });

  for (const [side, clientSetting, serverSetting] of [
    ['the client', false, true],
    ['the server', true, false],
  ] as const) {
    test(`perMessageDeflate: false on ${side} means no compression, and RSV1 stays an error`, async () => {
      const { server, url } = await echoServer({ perMessageDeflate: serverSetting });
      try {
        const client = await connect(url, { perMessageDeflate: clientSetting });
        assert.equal(client.extensions, '');
        const frames: ObservedFrame[] = [];
        client.on('frame', (frame: ObservedFrame) => frames.push(frame));
        const echoed = messages(client, 1);
        client.send('x'.repeat(10_000));
        assert.equal((await echoed)[0]![0].length, 10_000);
        assert.ok(frames.every((frame) => !frame.rsv1));
        client.close();
        await closed(client);
      } finally {
        await server.close();
      }
    });
  }

  test('window bits a header cannot carry are refused when the server or client is made', () => {
    assert.throws(() => new WebSocketServer({ perMessageDeflate: { serverMaxWindowBits: 16 } }), /serverMaxWindowBits must be an integer from 8 to 15, got 16/);
    assert.throws(
      () => new WebSocket('ws://127.0.0.1:1/', { perMessageDeflate: { clientMaxWindowBits: 7 } }),
      /clientMaxWindowBits must be an integer from 8 to 15, got 7/,
    );
  });

  test('a raw `extensions` option is offered as given, and nothing is negotiated', async () => {
    const { server, url } = await echoServer();
    let seenOffer = '';
    server.on(
      'connection',
      (_socket: WebSocket, request: { headers: Record<string, string> }) => (seenOffer = request.headers['sec-websocket-extensions'] ?? ''),
    );
    try {
      const client = await connect(url, { extensions: 'x-custom; a=1' });
      assert.equal(seenOffer, 'x-custom; a=1');
      assert.equal(client.extensions, '');
      client.close();
      await closed(client);
    } finally {
      await server.close();
    }
  });

  test('the client fails the connection when the server answers with what it did not offer', async () => {
    for (const [offer, answer, reason] of [
      [{ clientMaxWindowBits: false }, 'permessage-deflate; client_max_window_bits=10', /client_max_window_bits was not offered/],
      [{ serverMaxWindowBits: 10 }, 'permessage-deflate; server_max_window_bits=12', /server_max_window_bits=12 is larger than the 10 requested/],
      [{}, 'permessage-deflate; server_max_window_bits=16', /invalid server_max_window_bits value "16"/],
      [{}, 'permessage-deflate; x=1', /unknown parameter x/],
    ] as const) {
      const raw = createServer((socket) => {
        socket.once('data', (chunk: Buffer) => {
          const key = /Sec-WebSocket-Key: (\S+)/i.exec(chunk.toString())![1]!;
          socket.write(
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\nSec-WebSocket-Extensions: ${answer}\r\n\r\n`,
          );
        });
        socket.on('error', () => {});
      });
      raw.listen(0, '127.0.0.1');
      await once(raw, 'listening');
      try {
        const port = (raw.address() as { port: number }).port;
        await assert.rejects(connect(`ws://127.0.0.1:${port}/`, { perMessageDeflate: offer }), (error: unknown) => {
          assert.ok(error instanceof HandshakeError);
          assert.equal(error.code, 'WS_ERR_INVALID_EXTENSION');
          assert.equal(error.status, 101);
          assert.match(error.message, reason);
          return true;
        });
      } finally {
        raw.close();
      }
    }
  });

  test('the server answers a malformed extensions header with 400', async () => {
    const { server } = await echoServer();
    try {
      const { port } = server.address();
      const socket = netConnect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(buildClientRequest({ host: `127.0.0.1:${port}`, path: '/', key: generateKey(), extensions: 'permessage-deflate; a="1' }));
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      assert.match(chunk.toString(), /^HTTP\/1\.1 400 Bad Request[\s\S]*invalid Sec-WebSocket-Extensions header: unterminated quoted string/);
      socket.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('order across zlib', () => {
  test('messages of every size arrive in the order sent, both ways, and a Close follows the last one', async () => {
    const { server, url } = await echoServer();
    try {
      const client = await connect(url);
      const sent: Array<string | Buffer> = [];
      for (let i = 0; i < 200; i++) {
        // Sizes on both sides of the 1024-byte threshold, text and binary.
        const size = [10, 5000, 1023, 1024, 200_000, 0][i % 6]!;
        sent.push(i % 2 ? randomBytes(size) : `${i}:`.padEnd(size, 'abc'));
      }
      const echoed = messages(client, sent.length);
      for (const message of sent) client.send(message);
      const received = await echoed;
      assert.deepEqual(
        received.map(([data, binary]) => (binary ? data : data.toString())),
        sent,
      );
      // A Close right after a message still being compressed leaves after it, and the server
      // sees the message (inflated while the Close waits behind it) before the Close.
      const seen: string[] = [];
      const [peer] = [...server.clients];
      peer!.on('message', (data: Buffer) => seen.push(`message ${data.length}`));
      peer!.on('close', (code: number) => seen.push(`close ${code}`));
      client.send('z'.repeat(300_000));
      client.close(1000, 'done');
      const result = await closed(client);
      assert.equal(result.code, 1000);
      assert.equal(result.wasClean, true);
      if (peer!.readyState !== peer!.CLOSED) await closed(peer!);
      assert.deepEqual(seen, ['message 300000', 'close 1000']);
    } finally {
      await server.close();
    }
  });

  test('compressed frames carry RSV1 on the first frame only, control frames never', async () => {
    const { server, url } = await echoServer();
    try {
      const client = await connect(url);
      const frames: ObservedFrame[] = [];
      client.on('frame', (frame: ObservedFrame) => frames.push(frame));
      const echoed = messages(client, 2);
      client.send('small');
      client.send('big'.repeat(1000));
      client.ping('p');
      await echoed;
      // The ping need not wait for the compressed message (RFC 6455 §5.4): compare as a set.
      const out = frames
        .filter((frame) => frame.direction === 'out')
        .map((frame) => `${frame.opcode}:${frame.payloadLength > 5 ? 'big' : frame.payloadLength}:${frame.rsv1}`);
      assert.deepEqual(out.sort(), [`${Opcode.Text}:5:false`, `${Opcode.Text}:big:true`, `${Opcode.Ping}:1:false`].sort());
      client.close();
      await closed(client);
    } finally {
      await server.close();
    }
  });
});

describe('compressed messages from a raw peer', () => {
  test('a compressed message in several frames (RSV1 on the first only) and the RFC 7692 §7.2.3 payloads arrive whole', async () => {
    const { server } = await echoServer();
    const received: string[] = [];
    const serverClosed = new Promise<void>((resolve) =>
      server.on('connection', (ws: WebSocket) => {
        ws.on('message', (data: Buffer) => received.push(data.toString()));
        // The Close is answered at once, but its event waits for the messages being inflated.
        ws.on('close', (code: number) => resolve(void received.push(`close ${code}`)));
      }),
    );
    try {
      const { socket, connection } = await rawClient(server.address().port, 'permessage-deflate');
      const text = 'fragmented and compressed '.repeat(500);
      const payload = deflateRawSync(text, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, -4);
      const third = Math.ceil(payload.length / 3);
      connection.sendDataFrame(Opcode.Text, payload.subarray(0, third), false, true);
      connection.sendDataFrame(Opcode.Continuation, payload.subarray(third, 2 * third), false, false);
      connection.sendDataFrame(Opcode.Continuation, payload.subarray(2 * third), true, false);
      // §7.2.3.1 fragmented, then §7.2.3.2's back-reference into it, then an uncompressed message.
      connection.sendDataFrame(Opcode.Text, Buffer.from('f248cd', 'hex'), false, true);
      connection.sendDataFrame(Opcode.Continuation, Buffer.from('c9c90700', 'hex'), true, false);
      connection.sendDataFrame(Opcode.Text, Buffer.from('f200110000', 'hex'), true, true);
      connection.sendDataFrame(Opcode.Text, 'plain', true, false);
      connection.close(1000);
      flush(socket, connection);
      assert.deepEqual(await serverClose(socket, connection), { code: 1000, reason: '' });
      await serverClosed;
      assert.deepEqual(received, [text, 'Hello', 'Hello', 'plain', 'close 1000']);
    } finally {
      await server.close();
    }
  });
});

describe('limits on inflated messages', () => {
  test('a 1 MiB message that inflates to 1 GiB: 1009 at the limit, RSS bounded, the server keeps serving', async () => {
    const bomb = await compressZeros(1024 * MiB);
    const { server, url } = await echoServer({ maxMessageSize: 16 * MiB });
    try {
      const { port } = server.address();
      const { socket, connection } = await rawClient(port, 'permessage-deflate');
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 1);
      connection.sendDataFrame(Opcode.Binary, bomb, true, true);
      flush(socket, connection);
      const close = await serverClose(socket, connection);
      clearInterval(sampler);
      assert.deepEqual(close, { code: 1009, reason: 'message over the 16777216-byte limit once inflated' });
      const growth = (Math.max(peak, process.memoryUsage().rss) - before) / MiB;
      assert.ok(growth < 96, `RSS grew by ${growth.toFixed(1)} MiB`);
      // The server is still there for everyone else.
      const client = await connect(url);
      const echoed = messages(client, 1);
      client.send('still here'.repeat(200));
      assert.equal((await echoed)[0]![0].toString(), 'still here'.repeat(200));
      client.close();
      await closed(client);
    } finally {
      await server.close();
    }
  });

  test('invalid UTF-8 inside a compressed text message fails with 1007, after the messages before it', async () => {
    const { server } = await echoServer();
    try {
      const { socket, connection } = await rawClient(server.address().port, 'permessage-deflate; client_no_context_takeover');
      const deflate = (data: Buffer) => deflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, -4);
      connection.sendDataFrame(Opcode.Text, deflate(Buffer.from('first')), true, true);
      connection.sendDataFrame(Opcode.Text, deflate(Buffer.from([0x68, 0x69, 0xff])), true, true);
      connection.sendDataFrame(Opcode.Text, 'never echoed', true, false);
      flush(socket, connection);
      const close = await serverClose(socket, connection);
      assert.deepEqual(close, { code: 1007, reason: 'invalid UTF-8 in text message' });
      const echoed = connection.takeEvents().flatMap((event) => (event.type === 'message' ? [event.data.toString()] : []));
      assert.deepEqual(echoed, ['first']);
    } finally {
      await server.close();
    }
  });

  test('corrupt compressed data fails with 1007; the server reports the error and its Close frame', async () => {
    const { server } = await echoServer();
    const seen: string[] = [];
    server.on('connection', (ws: WebSocket) => {
      ws.on('error', (error: { code: string; closeCode: number }) => seen.push(`error ${error.code} ${error.closeCode}`));
      ws.on('frame', (frame: ObservedFrame) =>
        seen.push(`${frame.direction} ${frame.opcode}${frame.opcode === Opcode.Close ? ` ${frame.payload.readUInt16BE(0)}` : ''}`),
      );
      ws.on('close', (code: number) => seen.push(`close ${code}`));
    });
    try {
      const { socket, connection } = await rawClient(server.address().port, 'permessage-deflate');
      connection.sendDataFrame(Opcode.Binary, Buffer.from([0xff, 0xff, 0xff]), true, true);
      flush(socket, connection);
      assert.deepEqual(await serverClose(socket, connection), { code: 1007, reason: 'invalid compressed data: invalid block type' });
      const [ws] = [...server.clients];
      if (ws && ws.readyState !== ws.CLOSED) await closed(ws);
      assert.deepEqual(seen, [`in ${Opcode.Binary}`, 'error WS_ERR_INVALID_COMPRESSED_DATA 1007', `out ${Opcode.Close} 1007`, 'close 1007']);
    } finally {
      await server.close();
    }
  });
});
