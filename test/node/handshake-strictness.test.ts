/**
 * Request smuggling shapes and heads that can never become valid, over real sockets, in both
 * server modes: our own port (we read the head) and attached to an http.Server (Node's parser
 * reads it and refuses some shapes itself). Each is answered 400 at once, never 101, so no byte
 * of an announced body is ever parsed as a WebSocket frame.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer, type WebSocket } from '../../src/index.js';
import { httpExchange, upgradeRequest } from '../conformance/raw-peer.js';

const T = { timeout: 10_000 };
/** The handshake timeout is long, so an answer within this many ms is "at once", not the 408. */
const HANDSHAKE_TIMEOUT = 8000;
const AT_ONCE = 2000;

/** A masked text frame "evil" a smuggled body would otherwise be read as (0x81, masked, 4 bytes). */
const FRAME = Buffer.from([0x81, 0x84, 0, 0, 0, 0, 0x65, 0x76, 0x69, 0x6c]);

interface Shape {
  name: string;
  bytes: Buffer;
  /** The stable code our server reports in 'rejected' (own port, and attached where Node lets it through). */
  code: string;
  /** Node's HTTP parser refuses this shape itself in attached mode (its plain 400, no 'rejected'). */
  nodeRefuses: boolean;
}

const upgrade = (extra: string[], path = '/ws') => upgradeRequest({ path, extra });
const latin1 = (text: string) => Buffer.from(text, 'latin1');

const SHAPES: Shape[] = [
  {
    name: 'Content-Length: 10 and a body of frame bytes',
    bytes: Buffer.concat([latin1(upgrade(['Content-Length: 10'])), FRAME]),
    code: 'WS_ERR_UPGRADE_BODY',
    nodeRefuses: false,
  },
  {
    name: 'Transfer-Encoding: chunked and a chunked body',
    bytes: Buffer.concat([latin1(upgrade(['Transfer-Encoding: chunked'])), latin1('a\r\n'), FRAME, latin1('\r\n0\r\n\r\n')]),
    code: 'WS_ERR_UPGRADE_BODY',
    nodeRefuses: false,
  },
  {
    name: 'Content-Length with Transfer-Encoding',
    bytes: latin1(upgrade(['Content-Length: 0', 'Transfer-Encoding: chunked'])),
    code: 'WS_ERR_AMBIGUOUS_FRAMING',
    nodeRefuses: true,
  },
  {
    name: 'two different Content-Lengths',
    bytes: latin1(upgrade(['Content-Length: 0', 'Content-Length: 10'])),
    code: 'WS_ERR_AMBIGUOUS_FRAMING',
    nodeRefuses: true,
  },
  { name: 'a NUL in the request target', bytes: latin1(upgrade([], '/ws\u0000x')), code: 'WS_ERR_MALFORMED_HTTP', nodeRefuses: true },
  { name: 'an ESC in the request target', bytes: latin1(upgrade([], '/ws\u001bx')), code: 'WS_ERR_MALFORMED_HTTP', nodeRefuses: true },
  { name: 'a TAB in the request target', bytes: latin1(upgrade([], '/ws\tx')), code: 'WS_ERR_INVALID_TARGET', nodeRefuses: true },
  { name: 'bare LF line ends, complete head', bytes: latin1(upgrade([]).replaceAll('\r\n', '\n')), code: 'WS_ERR_MALFORMED_HTTP', nodeRefuses: true },
  // These never end in CRLF CRLF: without a check per byte they would sit until the 408.
  { name: 'bare LF line ends, no blank line ever', bytes: latin1('GET /ws HTTP/1.1\nHost: 127.0.0.1\n'), code: 'WS_ERR_MALFORMED_HTTP', nodeRefuses: true },
  { name: 'binary garbage', bytes: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]), code: 'WS_ERR_MALFORMED_HTTP', nodeRefuses: true },
  { name: 'a line that is not a request line', bytes: latin1('SSH-2.0-OpenSSH_9.6\r\n'), code: 'WS_ERR_MALFORMED_HTTP', nodeRefuses: true },
];

interface Mode {
  name: string;
  start(): Promise<{ port: number; rejected: string[]; connections: () => number; stop(): Promise<void> }>;
}

const MODES: Mode[] = [
  {
    name: 'own port',
    async start() {
      const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/ws', handshakeTimeout: HANDSHAKE_TIMEOUT });
      return watch(
        wss,
        wss.address.bind(wss),
        async () => {
          await wss.ready();
        },
        () => wss.close(),
      );
    },
  },
  {
    name: 'attached to an http.Server',
    async start() {
      const http: HttpServer = createHttpServer((_req, res) => res.end('plain'));
      const wss = new WebSocketServer({ server: http, path: '/ws' });
      return watch(
        wss,
        () => http.address() as AddressInfo,
        async () => {
          http.listen(0, '127.0.0.1');
          await once(http, 'listening');
        },
        async () => {
          await wss.close();
          http.closeAllConnections();
          await new Promise((resolve) => http.close(resolve));
        },
      );
    },
  },
];

async function watch(wss: WebSocketServer, address: () => AddressInfo, listen: () => Promise<void>, stop: () => Promise<void>) {
  const rejected: string[] = [];
  let connections = 0;
  wss.on('rejected', (error: { code: string }) => rejected.push(error.code));
  wss.on('connection', (ws: WebSocket) => {
    connections++;
    ws.terminate();
  });
  await listen();
  return { port: address().port, rejected, connections: () => connections, stop };
}

for (const mode of MODES) {
  describe(`handshake strictness: ${mode.name}`, () => {
    let server: Awaited<ReturnType<Mode['start']>>;
    before(async () => {
      server = await mode.start();
    });
    after(() => server.stop());

    for (const shape of SHAPES) {
      test(`400 at once for ${shape.name}`, T, async () => {
        server.rejected.length = 0;
        const opened = server.connections();
        const reply = await httpExchange(server.port, shape.bytes, 5000);
        assert.equal(reply.status, 400);
        assert.ok(reply.elapsed < AT_ONCE, `answered after ${Math.round(reply.elapsed)} ms: not at once`);
        assert.equal(server.connections(), opened, 'no WebSocket was opened');
        const expected = mode.name === 'own port' || !shape.nodeRefuses ? [shape.code] : [];
        assert.deepEqual(server.rejected, expected);
      });
    }

    test('a wss:// client (a TLS ClientHello) to this plain server gets a 400 at once, not silence', T, async () => {
      server.rejected.length = 0;
      const started = performance.now();
      const socket = tlsConnect({ host: '127.0.0.1', port: server.port, rejectUnauthorized: false });
      const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
      assert.ok(performance.now() - started < AT_ONCE, 'refused at once');
      // The 400's "HTTP/1.1" read as a TLS record header: OpenSSL's wrong version number.
      assert.equal(error.code, 'ERR_SSL_WRONG_VERSION_NUMBER');
      if (mode.name === 'own port') assert.deepEqual(server.rejected, ['WS_ERR_MALFORMED_HTTP']);
    });

    test('a well-formed upgrade (Content-Length: 0 allowed) still opens', T, async () => {
      const before = server.connections();
      const reply = await httpExchange(server.port, upgrade(['Content-Length: 0']), 5000).catch(() => undefined);
      // The server terminates each connection it opens: the answer is the 101, then TCP closes.
      assert.equal(reply?.status, 101);
      assert.equal(server.connections(), before + 1);
    });
  });
}
