/**
 * The trace on the diagnostics channel, over real loopback sockets: both roles, with and without
 * permessage-deflate, handshakes accepted and refused, protocol errors, redaction, and the path
 * taken when nobody subscribes.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import { after, describe, test } from 'node:test';
import { WebSocketServer as WsServer } from 'ws';
import { connect, setTraceOptions, traceConnectionId, validateTraceEvent, WebSocketServer, type TraceEvent } from '../../src/index.js';
import { closed, echoServer, messages } from './helpers.js';
import { connsOf, recordTrace, shape } from '../trace/record.js';

const BINARY = Buffer.from([0xbe, 0x00, 0xff, 0x41]);
/** A newline, a two-byte character, and enough repetition that compressing it pays. */
const TEXT = `line one\nline two é\n${'abc'.repeat(100)}`;

function b64(bytes: Buffer): string {
  return bytes.toString('base64');
}

/** Client sends text, binary and a ping; the echo server sends them back; the client closes with 1000. */
async function exchange(perMessageDeflate: false | { threshold: number }) {
  const { server, url } = await echoServer({ perMessageDeflate });
  const trace = recordTrace();
  try {
    const socket = await connect(`${url}/echo?x=1`, { perMessageDeflate });
    const replies = messages(socket, 2);
    socket.send(TEXT);
    socket.send(BINARY);
    await replies;
    // After the replies: a ping in the same read as the messages would be answered before them (see docs/trace.md).
    const pong = once(socket, 'pong');
    socket.ping('are you there');
    await pong;
    const done = closed(socket);
    socket.close(1000, 'bye');
    await done;
    // The server's close event comes when its TCP closes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { events: [...trace.events] };
  } finally {
    trace.stop();
    await server.close();
  }
}

describe('trace events on the diagnostics channel', () => {
  for (const deflate of [false, true]) {
    test(`client and server see every event of their connection, in order (${deflate ? 'with' : 'without'} permessage-deflate)`, async () => {
      const { events } = await exchange(deflate ? { threshold: 0 } : false);
      for (const event of events) validateTraceEvent(JSON.parse(JSON.stringify(event)));
      const [clientConn] = connsOf(events, 'client');
      const [serverConn] = connsOf(events, 'server');
      assert.ok(clientConn !== undefined && serverConn !== undefined && clientConn !== serverConn, 'one id per side');
      const client = events.filter((e) => e.conn === clientConn);
      const server = events.filter((e) => e.conn === serverConn);
      const textSize = Buffer.byteLength(TEXT);
      const text = { opcode: 1, size: textSize, data: TEXT, encoding: 'utf8' };
      const binary = { opcode: 2, size: 4, data: b64(BINARY), encoding: 'base64' };
      const ping = { opcode: 9, size: 13, data: 'are you there', encoding: 'utf8' };
      const strip = (event: TraceEvent) => {
        const { wireSize: _wireSize, ...rest } = shape(event);
        return rest;
      };
      assert.deepEqual(client.map(strip), [
        { event: 'handshake', dir: 'out', role: 'client', status: 101 },
        { conn: clientConn, event: 'message', dir: 'out', ...text },
        { conn: clientConn, event: 'message', dir: 'out', ...binary },
        { conn: clientConn, event: 'message', dir: 'in', ...text },
        { conn: clientConn, event: 'message', dir: 'in', ...binary },
        { conn: clientConn, event: 'ping', dir: 'out', ...ping },
        { conn: clientConn, event: 'pong', dir: 'in', ...ping, opcode: 10, rtt: (client[6] as { rtt: number }).rtt },
        {
          conn: clientConn,
          event: 'close',
          dir: 'out',
          opcode: 8,
          size: 5,
          data: 'bye',
          encoding: 'utf8',
          code: 1000,
          reason: 'bye',
          name: 'Normal Closure',
          clean: true,
        },
      ]);
      // Without compression the echo's reply leaves within the read that brought its message. With
      // it, each reply is traced when its compressed bytes are written (zlib runs on the thread
      // pool), which may come after the next message was inflated: each direction keeps its order.
      const inOrder = (events: ReturnType<typeof strip>[]) =>
        deflate ? [...events.filter((e) => e.dir === 'in'), ...events.filter((e) => e.dir === 'out')] : events;
      assert.deepEqual(
        inOrder(server.map(strip)),
        inOrder([
          { event: 'handshake', dir: 'in', role: 'server', status: 101 },
          { conn: serverConn, event: 'message', dir: 'in', ...text },
          { conn: serverConn, event: 'message', dir: 'out', ...text },
          { conn: serverConn, event: 'message', dir: 'in', ...binary },
          { conn: serverConn, event: 'message', dir: 'out', ...binary },
          { conn: serverConn, event: 'ping', dir: 'in', ...ping },
          { conn: serverConn, event: 'pong', dir: 'out', ...ping, opcode: 10, auto: true },
          {
            conn: serverConn,
            event: 'close',
            dir: 'in',
            opcode: 8,
            size: 5,
            data: 'bye',
            encoding: 'utf8',
            code: 1000,
            reason: 'bye',
            name: 'Normal Closure',
            clean: true,
          },
        ]),
      );
      // Compressed messages carry their size on the wire, and only they do.
      for (const event of [...client, ...server]) {
        if (event.event !== 'message') continue;
        if (deflate)
          assert.ok(
            event.wireSize !== undefined && event.wireSize > 0 && (event.opcode === 2 || event.wireSize < event.size / 4),
            `wireSize of ${JSON.stringify(event)}`,
          );
        else assert.equal(event.wireSize, undefined);
      }
      const handshake = client[0]!;
      assert.equal(handshake.event, 'handshake');
      if (handshake.event === 'handshake') {
        assert.match(handshake.url, /^ws:\/\/127\.0\.0\.1:\d+\/echo\?x=1$/);
        assert.equal(handshake.method, 'GET');
        assert.equal(handshake.target, '/echo?x=1');
        assert.equal(handshake.statusText, 'Switching Protocols');
        assert.equal(handshake.extensions, deflate ? 'permessage-deflate' : '');
        assert.ok(handshake.requestHeaders.some(([name]) => name === 'Sec-WebSocket-Key'));
        assert.ok(handshake.responseHeaders.some(([name]) => name === 'Sec-WebSocket-Accept'));
        assert.ok(handshake.timings.connect !== undefined && handshake.timings.connect >= 0 && handshake.timings.wait >= 0);
        assert.ok(handshake.start <= handshake.time);
      }
      const serverHandshake = server[0]!;
      if (serverHandshake.event === 'handshake') assert.match(serverHandshake.url, /^ws:\/\/127\.0\.0\.1:\d+\/echo\?x=1$/);
      // Times: epoch seconds with µs, never going back within a connection.
      for (const list of [client, server]) {
        for (let i = 1; i < list.length; i++) assert.ok(list[i]!.time >= list[i - 1]!.time);
        for (const event of list) assert.equal(Math.round(event.time * 1e6) / 1e6, event.time);
      }
      assert.ok(Math.abs(client[0]!.time - Date.now() / 1000) < 10);
      const close = client.at(-1)!;
      if (close.event === 'close') {
        assert.ok(close.sent && close.received && close.sent.time <= close.received.time);
        assert.deepEqual([close.sent.code, close.received.code], [1000, 1000]);
      }
    });
  }

  test('our client against a ws server with permessage-deflate: what ws compressed is traced inflated, with its wire size', async () => {
    const wss = new WsServer({ port: 0, host: '127.0.0.1', perMessageDeflate: { threshold: 0 } });
    await once(wss, 'listening');
    const big = 'compress me '.repeat(500);
    wss.on('connection', (peer) => {
      peer.send(big);
      peer.send(BINARY);
    });
    const trace = recordTrace();
    try {
      const socket = await connect(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/`);
      await messages(socket, 2);
      const done = closed(socket);
      socket.close(4000, 'enough');
      await done;
      const [conn] = connsOf(trace.events, 'client');
      const received = trace.of(conn!).filter((e) => e.event === 'message');
      assert.equal(received.length, 2);
      const [text, binary] = received;
      assert.ok(
        text?.event === 'message' && text.data === big && text.size === big.length && text.wireSize! < big.length / 10,
        JSON.stringify(text?.event === 'message' && text.wireSize),
      );
      assert.ok(binary?.event === 'message' && binary.opcode === 2 && Buffer.from(binary.data, 'base64').equals(BINARY) && binary.wireSize !== undefined);
      const close = trace.of(conn!).at(-1);
      assert.ok(close?.event === 'close' && close.code === 4000 && close.name === 'Private Use' && close.clean && close.dir === 'out');
    } finally {
      trace.stop();
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  test('without a subscriber nothing is built: a socket gets no trace state and takes no id', async () => {
    const { server, url } = await echoServer();
    after(() => server.close());
    const socket = await connect(url);
    const reply = messages(socket, 1);
    socket.send('untraced');
    await reply;
    assert.equal(traceConnectionId(socket), undefined);
    const trace = recordTrace();
    try {
      socket.send('traced');
      await messages(socket, 1);
      const id = traceConnectionId(socket);
      assert.ok(id !== undefined);
      const done = closed(socket);
      socket.close();
      await done;
      const mine = trace.events.filter((e) => e.conn === id);
      assert.deepEqual(
        mine.map((e) => [e.event, e.dir, 'data' in e ? e.data : '']),
        [
          ['message', 'out', 'traced'],
          ['message', 'in', 'traced'],
          ['close', 'out', ''],
        ],
      );
      const close = mine.at(-1)!;
      if (close.event === 'close') assert.deepEqual([close.code, close.name, close.size], [1005, 'No Status Rcvd', 0]);
    } finally {
      trace.stop();
    }
  });

  test('connection ids are unique: three clients, three server connections, six ids', async () => {
    const { server, url } = await echoServer();
    const trace = recordTrace();
    try {
      const sockets = await Promise.all([connect(url), connect(url), connect(url)]);
      const ids = new Set(trace.events.filter((e) => e.event === 'handshake').map((e) => e.conn));
      assert.equal(ids.size, 6);
      for (const socket of sockets) assert.ok(ids.has(traceConnectionId(socket)!));
      await Promise.all(
        sockets.map((s) => {
          const done = closed(s);
          s.close();
          return done;
        }),
      );
    } finally {
      trace.stop();
      await server.close();
    }
  });

  test('a refused handshake: the server traces its 404 and the error; the client its handshake, error and 1006 under one id', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/only' });
    await server.ready();
    const trace = recordTrace();
    try {
      await assert.rejects(connect(`ws://127.0.0.1:${server.address().port}/other`));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const [clientConn] = connsOf(trace.events, 'client');
      const [serverConn] = connsOf(trace.events, 'server');
      assert.deepEqual(
        trace.of(serverConn!).map((e) => [e.event, e.event === 'handshake' ? e.status : e.event === 'error' ? e.code : '']),
        [
          ['handshake', 404],
          ['error', 'WS_ERR_NOT_FOUND'],
        ],
      );
      const client = trace.of(clientConn!);
      assert.deepEqual(
        client.map((e) => e.event),
        ['handshake', 'error', 'close'],
      );
      const [handshake, error, close] = client;
      assert.ok(handshake?.event === 'handshake' && handshake.status === 404 && handshake.statusText === 'Not Found');
      assert.ok(error?.event === 'error' && error.code === 'WS_ERR_UNEXPECTED_RESPONSE' && error.status === 404, JSON.stringify(error));
      assert.ok(close?.event === 'close' && close.code === 1006 && !close.clean && close.dir === 'in' && close.name === 'Abnormal Closure');
    } finally {
      trace.stop();
      await server.close();
    }
  });

  test('no Close frame either way: terminate() closes from our side, the peer sees its side cut', async () => {
    const { server, url } = await echoServer();
    const trace = recordTrace();
    try {
      const socket = await connect(url);
      assert.equal(server.clients.size, 1);
      const serverClosed = new Promise((resolve) => {
        for (const client of server.clients) client.once('close', resolve);
      });
      const done = closed(socket);
      socket.terminate();
      await done;
      await serverClosed;
      const [clientConn] = connsOf(trace.events, 'client');
      const [serverConn] = connsOf(trace.events, 'server');
      const closeOf = (conn: number | undefined) => trace.of(conn!).find((e) => e.event === 'close');
      const client = closeOf(clientConn);
      const peer = closeOf(serverConn);
      assert.ok(client?.event === 'close' && client.dir === 'out' && client.code === 1006 && !client.clean, JSON.stringify(client));
      assert.ok(peer?.event === 'close' && peer.dir === 'in' && peer.code === 1006 && !peer.clean, JSON.stringify(peer));
    } finally {
      trace.stop();
      await server.close();
    }
  });

  test('a request head that cannot be parsed: the server traces one error with the status it answered', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    const trace = recordTrace();
    try {
      const raw = netConnect(server.address().port, '127.0.0.1');
      await once(raw, 'connect');
      raw.end('NONSENSE\r\n\r\n');
      raw.resume();
      await once(raw, 'close');
      assert.deepEqual(
        trace.events.map((e) => shape(e)),
        [{ conn: trace.events[0]?.conn, event: 'error', dir: 'in', code: 'WS_ERR_MALFORMED_HTTP', message: 'malformed start line', status: 400 }],
      );
    } finally {
      trace.stop();
      await server.close();
    }
  });

  test('a connection refused at the TCP level: an error with the URL and Node’s code, then close 1006', async () => {
    const probe = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await probe.ready();
    const port = probe.address().port;
    await probe.close();
    const trace = recordTrace();
    try {
      await assert.rejects(connect(`ws://127.0.0.1:${port}/gone`));
      const [error, close] = trace.events;
      assert.ok(error?.event === 'error' && error.code === 'ECONNREFUSED' && error.url === `ws://127.0.0.1:${port}/gone`, JSON.stringify(error));
      assert.ok(close?.event === 'close' && close.conn === error.conn && close.code === 1006);
      assert.equal(trace.events.length, 2);
    } finally {
      trace.stop();
    }
  });

  test('a peer that breaks the protocol: the server traces the message before it, the error with its code, and its own 1002 close', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await server.ready();
    const trace = recordTrace();
    try {
      const raw = netConnect(server.address().port, '127.0.0.1');
      await once(raw, 'connect');
      raw.write(
        'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      await once(raw, 'data');
      // A masked text "hi", then a frame with RSV2 set: RFC 6455 §5.2 "MUST Fail the WebSocket Connection".
      raw.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0x68, 0x69, 0xa1, 0x80, 0, 0, 0, 0]));
      await once(raw, 'close');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const [conn] = connsOf(trace.events, 'server');
      const events = trace.of(conn!).map(shape);
      assert.deepEqual(events.slice(1, 3), [
        { conn, event: 'message', dir: 'in', opcode: 1, size: 2, data: 'hi', encoding: 'utf8' },
        { conn, event: 'error', dir: 'in', code: 'WS_ERR_UNEXPECTED_RSV_2_3', message: (events[2] as { message: string }).message, closeCode: 1002 },
      ]);
      const close = events[3]!;
      assert.deepEqual([close['event'], close['dir'], close['code'], close['clean'], close['name']], ['close', 'out', 1002, false, 'Protocol Error']);
      assert.equal(events.length, 4);
    } finally {
      trace.stop();
      await server.close();
    }
  });

  test('secrets are redacted in handshake events unless asked: Authorization, Cookie, Set-Cookie, URL passwords', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', accept: () => ({ accept: true, headers: [['Set-Cookie', 'session=s3cret']] }) });
    await server.ready();
    const url = `ws://alice:pa55word@127.0.0.1:${server.address().port}/`;
    const handshakes = async () => {
      const trace = recordTrace();
      try {
        const socket = await connect(url, { headers: { Cookie: 'id=c00kie', 'X-Other': 'kept' }, perMessageDeflate: false });
        const done = closed(socket);
        socket.close();
        await done;
        return trace.events.filter((e) => e.event === 'handshake');
      } finally {
        trace.stop();
      }
    };
    try {
      const redacted = await handshakes();
      assert.equal(redacted.length, 2);
      for (const event of redacted) {
        if (event.event !== 'handshake') continue;
        const all = JSON.stringify(event);
        for (const secret of ['pa55word', 'c00kie', 's3cret', Buffer.from('alice:pa55word').toString('base64')])
          assert.ok(!all.includes(secret), `${secret} in ${all}`);
        const headers = new Map([...event.requestHeaders, ...event.responseHeaders].map(([name, value]) => [name.toLowerCase(), value]));
        assert.equal(headers.get('authorization'), '[redacted]');
        assert.equal(headers.get('cookie'), '[redacted]');
        assert.equal(headers.get('set-cookie'), '[redacted]');
        assert.equal(headers.get('x-other'), 'kept');
      }
      const client = redacted.find((e) => e.event === 'handshake' && e.role === 'client');
      assert.ok(client?.event === 'handshake' && client.url.startsWith('ws://alice:***@127.0.0.1:'));
      setTraceOptions({ secrets: true });
      const raw = await handshakes();
      const all = JSON.stringify(raw);
      for (const secret of ['pa55word', 'id=c00kie', 'session=s3cret']) assert.ok(all.includes(secret), `${secret} kept when asked`);
    } finally {
      setTraceOptions({});
      await server.close();
    }
  });
});
