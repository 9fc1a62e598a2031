/**
 * Handshake, our server's side: every malformed or refused opening handshake gets the HTTP status
 * RFC 6455 §4.2 asks for, with the connection closed; subprotocols are negotiated; and the
 * server keeps serving afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer, connect, type HandshakeRequest } from '../../src/index.js';
import { httpExchange, rawClient, upgradeRequest } from './raw-peer.js';

const T = { timeout: 10_000 };

describe('handshake: our server', () => {
  let server: WebSocketServer;
  let port: number;
  const rejected: Array<{ code: string; status: number }> = [];

  before(async () => {
    server = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      path: '/ws',
      protocols: ['v2.wscope', 'v1.wscope'],
      accept: (request: HandshakeRequest) => {
        if (request.url.includes('crash')) throw new Error('hook failed');
        if (request.headers['authorization'] !== 'Bearer good') {
          return { accept: false, status: 401, message: 'a bearer token is required', headers: { 'WWW-Authenticate': 'Bearer realm="wscope"' } };
        }
        if (request.url.includes('pick=v1')) return { accept: true, protocol: 'v1.wscope' };
        return true;
      },
    });
    server.on('connection', (ws) => ws.on('message', (data: Buffer, isBinary: boolean) => ws.send(data, { binary: isBinary })));
    server.on('rejected', (error: { code: string; status: number }) => rejected.push({ code: error.code, status: error.status }));
    server.on('error', () => {});
    await server.ready();
    port = server.address().port;
  });

  after(() => server.close());

  const auth = 'Authorization: Bearer good';

  async function answer(request: string | Buffer | Array<string | Buffer>, status: number, code?: string) {
    rejected.length = 0;
    const reply = await httpExchange(port, request);
    assert.equal(reply.status, status, `status for ${JSON.stringify(String(request).split('\r\n')[0])}`);
    // Every refusal closes the connection and says why in a one-line body.
    assert.ok(reply.headers.get('connection')?.split(/, */).includes('close'), `Connection: ${reply.headers.get('connection')}`);
    assert.equal(reply.headers.get('content-length'), String(Buffer.byteLength(reply.body)));
    if (code !== undefined) assert.deepEqual(rejected, [{ code, status }]);
    return reply;
  }

  const malformed: Array<[string, string | Buffer, string]> = [
    ['a start line without a target', 'GET\r\nHost: x\r\n\r\n', 'WS_ERR_MALFORMED_HTTP'],
    ['binary garbage', Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0xfe]), Buffer.from('\r\n\r\n')]), 'WS_ERR_MALFORMED_HTTP'],
    ['a header line without a colon', upgradeRequest({ path: '/ws', extra: [auth, 'NoColonHere'] }), 'WS_ERR_MALFORMED_HTTP'],
    ['an obsolete folded header line', upgradeRequest({ path: '/ws', extra: [auth, 'X-Folded: a', ' b'] }), 'WS_ERR_MALFORMED_HTTP'],
    ['a space in a header name', upgradeRequest({ path: '/ws', extra: [auth, 'Bad Name: x'] }), 'WS_ERR_MALFORMED_HTTP'],
    ['a NUL in a header value', upgradeRequest({ path: '/ws', extra: [auth, 'X-Nul: a\u0000b'] }), 'WS_ERR_MALFORMED_HTTP'],
    ['HTTP/1.0', upgradeRequest({ path: '/ws', version: 'HTTP/1.0', extra: [auth] }), 'WS_ERR_HTTP_VERSION'],
    ['no Host', upgradeRequest({ path: '/ws', replace: { host: '' }, extra: [auth] }), 'WS_ERR_MISSING_HOST'],
    ['two Host headers', upgradeRequest({ path: '/ws', extra: [auth, 'Host: other'] }), 'WS_ERR_MISSING_HOST'],
    ['Upgrade: h2c', upgradeRequest({ path: '/ws', replace: { upgrade: 'h2c' }, extra: [auth] }), 'WS_ERR_INVALID_UPGRADE'],
    ['no Connection', upgradeRequest({ path: '/ws', replace: { connection: '' }, extra: [auth] }), 'WS_ERR_INVALID_CONNECTION'],
    ['Connection: keep-alive', upgradeRequest({ path: '/ws', replace: { connection: 'keep-alive' }, extra: [auth] }), 'WS_ERR_INVALID_CONNECTION'],
    ['no Sec-WebSocket-Key', upgradeRequest({ path: '/ws', replace: { 'sec-websocket-key': '' }, extra: [auth] }), 'WS_ERR_INVALID_KEY'],
    [
      'a key of 15 bytes',
      upgradeRequest({ path: '/ws', replace: { 'sec-websocket-key': Buffer.alloc(15).toString('base64') }, extra: [auth] }),
      'WS_ERR_INVALID_KEY',
    ],
    [
      'a key that is not base64',
      upgradeRequest({ path: '/ws', replace: { 'sec-websocket-key': '!!!!!!!!!!!!!!!!!!!!!!==' }, extra: [auth] }),
      'WS_ERR_INVALID_KEY',
    ],
    ['two keys', upgradeRequest({ path: '/ws', extra: [auth, 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='] }), 'WS_ERR_INVALID_KEY'],
    ['an invalid subprotocol name', upgradeRequest({ path: '/ws', extra: [auth, 'Sec-WebSocket-Protocol: a b'] }), 'WS_ERR_INVALID_SUBPROTOCOL'],
    [
      'a subprotocol offered twice',
      upgradeRequest({ path: '/ws', extra: [auth, 'Sec-WebSocket-Protocol: v1.wscope, v1.wscope'] }),
      'WS_ERR_INVALID_SUBPROTOCOL',
    ],
  ];
  for (const [name, request, code] of malformed) {
    test(`400 for ${name}`, T, async () => {
      await answer(request, 400, code);
    });
  }

  test('426 with Sec-WebSocket-Version: 13 for version 8', T, async () => {
    const reply = await answer(upgradeRequest({ path: '/ws', replace: { 'sec-websocket-version': '8' }, extra: [auth] }), 426, 'WS_ERR_UNSUPPORTED_VERSION');
    assert.equal(reply.headers.get('sec-websocket-version'), '13');
  });

  test('426 with Sec-WebSocket-Version: 13 when the version is missing', T, async () => {
    const reply = await answer(upgradeRequest({ path: '/ws', replace: { 'sec-websocket-version': '' }, extra: [auth] }), 426, 'WS_ERR_UNSUPPORTED_VERSION');
    assert.equal(reply.headers.get('sec-websocket-version'), '13');
  });

  test('405 with Allow: GET for a POST', T, async () => {
    const reply = await answer(upgradeRequest({ method: 'POST', path: '/ws', extra: [auth] }), 405, 'WS_ERR_METHOD_NOT_ALLOWED');
    assert.equal(reply.headers.get('allow'), 'GET');
  });

  test('426 with Upgrade: websocket for a plain GET', T, async () => {
    const reply = await answer('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 426, 'WS_ERR_UPGRADE_REQUIRED');
    assert.equal(reply.headers.get('upgrade'), 'websocket');
    // RFC 9110 §7.8: Upgrade is hop-by-hop, so Connection names it (next to "close").
    assert.equal(reply.headers.get('connection'), 'close, Upgrade');
  });

  test('404 for another path, before the accept hook runs', T, async () => {
    const reply = await answer(upgradeRequest({ path: '/other', extra: [auth] }), 404, 'WS_ERR_NOT_FOUND');
    assert.match(reply.body, /\/other/);
  });

  test('the path filter ignores the query string', T, async () => {
    const peer = await rawClient(port, { path: '/ws?x=1', headers: [auth] });
    peer.socket.destroy();
  });

  test('the accept hook rejects with 401, its message and its headers', T, async () => {
    const reply = await answer(upgradeRequest({ path: '/ws' }), 401, 'WS_ERR_REJECTED');
    assert.equal(reply.body, 'a bearer token is required\n');
    assert.equal(reply.headers.get('www-authenticate'), 'Bearer realm="wscope"');
  });

  test('the accept hook throwing → 500 without details', T, async () => {
    const reply = await answer(upgradeRequest({ path: '/ws?crash', extra: [auth] }), 500, 'WS_ERR_ACCEPT_HOOK');
    assert.doesNotMatch(reply.body, /hook failed/);
  });

  test('a request split into 1-byte writes is still understood', T, async () => {
    const request = upgradeRequest({ path: '/ws', replace: { 'sec-websocket-version': '8' }, extra: [auth] });
    await answer(
      [...request].map((c) => c),
      426,
      'WS_ERR_UNSUPPORTED_VERSION',
    );
  });

  test('subprotocols: the server picks its most preferred one the client offers', T, async () => {
    const peer = await rawClient(port, { path: '/ws', headers: [auth, 'Sec-WebSocket-Protocol: v1.wscope, v2.wscope'] });
    assert.equal(peer.responseHeaders.get('sec-websocket-protocol'), 'v2.wscope');
    peer.socket.destroy();
  });

  test('subprotocols: none in common → no Sec-WebSocket-Protocol header, the connection opens', T, async () => {
    const peer = await rawClient(port, { path: '/ws', headers: [auth, 'Sec-WebSocket-Protocol: v3.other'] });
    assert.equal(peer.responseHeaders.has('sec-websocket-protocol'), false);
    peer.socket.destroy();
  });

  test('subprotocols: the accept hook may choose another offered one', T, async () => {
    const ws = await connect(`ws://127.0.0.1:${port}/ws?pick=v1`, { protocols: ['v2.wscope', 'v1.wscope'], headers: { Authorization: 'Bearer good' } });
    assert.equal(ws.protocol, 'v1.wscope');
    ws.terminate();
  });

  test('after all of that the server still accepts and echoes', T, async () => {
    const ws = await connect(`ws://127.0.0.1:${port}/ws`, { headers: { Authorization: 'Bearer good' } });
    ws.send('still here');
    const [message] = await new Promise<[Buffer]>((resolve) => ws.once('message', (...args: [Buffer]) => resolve(args)));
    assert.equal(message.toString(), 'still here');
    ws.close(1000);
    await new Promise((resolve) => ws.once('close', resolve));
  });
});
