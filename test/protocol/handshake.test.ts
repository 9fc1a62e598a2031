/** The opening handshake (RFC 6455 §4): the client's request, the server's checks, the 101 and the errors. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HandshakeError,
  acceptKey,
  buildAcceptResponse,
  buildClientRequest,
  buildErrorResponse,
  checkRequestFraming,
  checkServerResponse,
  checkUpgradeRequest,
  generateKey,
  isValidKey,
  parseHttpHead,
  type UpgradeRequest,
} from '../../src/protocol/index.js';

/** RFC 6455 §1.3's example nonce and its accept value. */
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

function assertHandshakeError(fn: () => unknown, status: number, code: string, headers?: Record<string, string>): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof HandshakeError, `expected a HandshakeError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    if (headers) assert.deepEqual(error.headers, headers);
    return true;
  });
}

function request(lines: string[], startLine = 'GET /chat HTTP/1.1'): UpgradeRequest {
  const head = parseHttpHead(Buffer.from(`${[startLine, ...lines].join('\r\n')}\r\n\r\n`));
  const [method, target, httpVersion] = head.startLine;
  return { method, target, httpVersion, headers: head.headers, rawHeaders: head.rawHeaders };
}

const GOOD_REQUEST = ['Host: server.example.com', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 13'];

/** The good request with one header replaced (or removed when `value` is undefined). */
function requestWith(name: string, value: string | undefined, startLine?: string): UpgradeRequest {
  const lines = GOOD_REQUEST.filter((line) => !line.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (value !== undefined) lines.push(`${name}: ${value}`);
  return request(lines, startLine);
}

function response(lines: string[], statusLine = 'HTTP/1.1 101 Switching Protocols') {
  return parseHttpHead(Buffer.from(`${[statusLine, ...lines].join('\r\n')}\r\n\r\n`));
}

const GOOD_RESPONSE = ['Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${ACCEPT}`];

describe('keys', () => {
  test('RFC 6455 §1.3: acceptKey of the sample nonce', () => {
    assert.equal(acceptKey(KEY), ACCEPT);
  });

  test('generateKey: 16 bytes from the injected source, in base64', () => {
    const asked: number[] = [];
    const key = generateKey((n) => {
      asked.push(n);
      return Uint8Array.from({ length: n }, (_, i) => i);
    });
    assert.deepEqual(asked, [16]);
    assert.equal(key, 'AAECAwQFBgcICQoLDA0ODw==');
    assert.equal(isValidKey(key), true);
    assert.equal(
      generateKey(() => Buffer.from('the sample nonce')),
      KEY,
    );
  });

  test('generateKey defaults to fresh random keys', () => {
    const keys = new Set(Array.from({ length: 20 }, () => generateKey()));
    assert.equal(keys.size, 20);
    for (const key of keys) assert.equal(isValidKey(key), true, key);
  });

  test('isValidKey: exactly 16 bytes of base64', () => {
    for (const key of [KEY, 'AAAAAAAAAAAAAAAAAAAAAA==', '/+/+/+/+/+/+/+/+/+/+/w==']) assert.equal(isValidKey(key), true, key);
    for (const key of [
      '',
      'dGhlIHNhbXBsZSBub25jZQ',
      'dGhlIHNhbXBsZSBub25jZQ=',
      'dGhlIHNhbXBsZSBub25jZR==',
      'dGhlIHNhbXBsZSBub25jZ===',
      'AAAAAAAAAAAAAAAAAAAAAAA=',
      ' dGhlIHNhbXBsZSBub25jZQ==',
      'dGhl-HNhbXBsZSBub25jZQ==',
    ]) {
      assert.equal(isValidKey(key), false, key);
    }
  });
});

describe('buildClientRequest', () => {
  test('byte for byte, for a fixed key', () => {
    const text = buildClientRequest({
      host: 'server.example.com',
      path: '/chat?room=1',
      key: KEY,
      protocols: ['chat', 'superchat'],
      extensions: 'permessage-deflate; client_max_window_bits',
      origin: 'http://example.com',
      headers: { 'X-Trace': 'abc', Cookie: ['a=1', 'b=2'] },
    });
    assert.equal(
      text,
      'GET /chat?room=1 HTTP/1.1\r\n' +
        'Host: server.example.com\r\n' +
        'Upgrade: websocket\r\n' +
        'Connection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${KEY}\r\n` +
        'Sec-WebSocket-Version: 13\r\n' +
        'Sec-WebSocket-Protocol: chat, superchat\r\n' +
        'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n' +
        'Origin: http://example.com\r\n' +
        'X-Trace: abc\r\n' +
        'Cookie: a=1\r\n' +
        'Cookie: b=2\r\n' +
        '\r\n',
    );
  });

  test('the minimal request', () => {
    assert.equal(
      buildClientRequest({ host: 'localhost:8080', path: '/', key: KEY }),
      `GET / HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });

  test('extra headers may replace Host and Origin', () => {
    const text = buildClientRequest({
      host: 'a',
      path: '/',
      key: KEY,
      origin: 'http://a',
      headers: [
        ['host', 'b'],
        ['Origin', 'http://b'],
      ],
    });
    const head = parseHttpHead(Buffer.from(text));
    assert.deepEqual(head.headers.get('host'), ['b']);
    assert.deepEqual(head.headers.get('origin'), ['http://b']);
  });

  test('refuses invalid or duplicate subprotocols, handshake headers, and header injection', () => {
    const base = { host: 'a', path: '/', key: KEY };
    assert.throws(() => buildClientRequest({ ...base, protocols: ['chat room'] }), TypeError);
    assert.throws(() => buildClientRequest({ ...base, protocols: ['a,b'] }), TypeError);
    assert.throws(() => buildClientRequest({ ...base, protocols: ['chat', 'chat'] }), TypeError);
    for (const name of ['Upgrade', 'connection', 'Sec-WebSocket-Key', 'sec-websocket-version']) {
      assert.throws(() => buildClientRequest({ ...base, headers: { [name]: 'x' } }), TypeError, name);
    }
    assert.throws(() => buildClientRequest({ ...base, headers: { 'X-A': 'x\r\nX-Injected: 1' } }), TypeError);
    assert.throws(() => buildClientRequest({ ...base, headers: { 'Bad Name': 'x' } }), TypeError);
  });
});

describe('checkServerResponse', () => {
  test('a proper 101', () => {
    const result = checkServerResponse(response(GOOD_RESPONSE), { key: KEY });
    assert.equal(result.status, 101);
    assert.equal(result.protocol, '');
    assert.equal(result.extensions, '');
  });

  test('header values are compared case-insensitively, and listed tokens count', () => {
    const result = checkServerResponse(response(['upgrade: WebSocket', 'connection: keep-alive, UPGRADE', `sec-websocket-accept: ${ACCEPT}`]), { key: KEY });
    assert.equal(result.status, 101);
  });

  test('the chosen subprotocol must be one that was offered', () => {
    const chosen = checkServerResponse(response([...GOOD_RESPONSE, 'Sec-WebSocket-Protocol: superchat']), { key: KEY, protocols: ['chat', 'superchat'] });
    assert.equal(chosen.protocol, 'superchat');
    assertHandshakeError(
      () => checkServerResponse(response([...GOOD_RESPONSE, 'Sec-WebSocket-Protocol: other']), { key: KEY, protocols: ['chat'] }),
      101,
      'WS_ERR_INVALID_SUBPROTOCOL',
    );
    assertHandshakeError(
      () => checkServerResponse(response([...GOOD_RESPONSE, 'Sec-WebSocket-Protocol: chat']), { key: KEY }),
      101,
      'WS_ERR_INVALID_SUBPROTOCOL',
    );
    assertHandshakeError(
      () => checkServerResponse(response([...GOOD_RESPONSE, 'Sec-WebSocket-Protocol: chat, superchat']), { key: KEY, protocols: ['chat', 'superchat'] }),
      101,
      'WS_ERR_INVALID_SUBPROTOCOL',
    );
  });

  test('an extension the client did not offer fails; an offered one is returned', () => {
    assertHandshakeError(
      () => checkServerResponse(response([...GOOD_RESPONSE, 'Sec-WebSocket-Extensions: permessage-deflate']), { key: KEY }),
      101,
      'WS_ERR_INVALID_EXTENSION',
    );
    const result = checkServerResponse(response([...GOOD_RESPONSE, 'Sec-WebSocket-Extensions: permessage-deflate']), { key: KEY, extensionsOffered: true });
    assert.equal(result.extensions, 'permessage-deflate');
  });

  test("anything but 101 fails with the server's status", () => {
    assertHandshakeError(() => checkServerResponse(response(GOOD_RESPONSE, 'HTTP/1.1 200 OK'), { key: KEY }), 200, 'WS_ERR_UNEXPECTED_RESPONSE');
    assertHandshakeError(() => checkServerResponse(response([], 'HTTP/1.1 403 Forbidden'), { key: KEY }), 403, 'WS_ERR_UNEXPECTED_RESPONSE');
    assert.throws(() => checkServerResponse(response([], 'HTTP/1.1 404 Not Found'), { key: KEY }), /404 Not Found/);
  });

  test('a malformed status line', () => {
    assertHandshakeError(() => checkServerResponse(response(GOOD_RESPONSE, 'HTTP/2 101 Switching'), { key: KEY }), 101, 'WS_ERR_MALFORMED_HTTP');
    assert.throws(() => checkServerResponse(response(GOOD_RESPONSE, 'HTTP/1.1 1O1 Switching'), { key: KEY }), { code: 'WS_ERR_MALFORMED_HTTP' });
  });

  test('a wrong, missing or repeated Sec-WebSocket-Accept', () => {
    const without = GOOD_RESPONSE.slice(0, 2);
    assertHandshakeError(() => checkServerResponse(response(without), { key: KEY }), 101, 'WS_ERR_INVALID_ACCEPT');
    assertHandshakeError(
      () => checkServerResponse(response([...without, 'Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=']), { key: KEY }),
      101,
      'WS_ERR_INVALID_ACCEPT',
    );
    assertHandshakeError(() => checkServerResponse(response(GOOD_RESPONSE), { key: 'AAAAAAAAAAAAAAAAAAAAAA==' }), 101, 'WS_ERR_INVALID_ACCEPT');
    assertHandshakeError(
      () => checkServerResponse(response([...GOOD_RESPONSE, `Sec-WebSocket-Accept: ${ACCEPT}`]), { key: KEY }),
      101,
      'WS_ERR_INVALID_ACCEPT',
    );
  });

  test('a missing or wrong Upgrade or Connection', () => {
    const [upgrade, connection, accept] = GOOD_RESPONSE as [string, string, string];
    assertHandshakeError(() => checkServerResponse(response([connection, accept]), { key: KEY }), 101, 'WS_ERR_INVALID_UPGRADE');
    assertHandshakeError(() => checkServerResponse(response(['Upgrade: h2c', connection, accept]), { key: KEY }), 101, 'WS_ERR_INVALID_UPGRADE');
    assertHandshakeError(() => checkServerResponse(response([upgrade, accept]), { key: KEY }), 101, 'WS_ERR_INVALID_CONNECTION');
    assertHandshakeError(() => checkServerResponse(response([upgrade, 'Connection: close', accept]), { key: KEY }), 101, 'WS_ERR_INVALID_CONNECTION');
  });
});

describe('checkUpgradeRequest', () => {
  test('a proper request: key, subprotocols and extension offers', () => {
    const result = checkUpgradeRequest(
      request([...GOOD_REQUEST, 'Sec-WebSocket-Protocol: chat, superchat', 'Sec-WebSocket-Protocol: v2', 'Sec-WebSocket-Extensions: permessage-deflate']),
    );
    assert.deepEqual(result, { key: KEY, protocols: ['chat', 'superchat', 'v2'], extensions: 'permessage-deflate' });
  });

  test('values are matched case-insensitively and as lists', () => {
    const result = checkUpgradeRequest(
      request(['host: a', 'upgrade: WebSocket', 'connection: keep-alive, Upgrade', `sec-websocket-key: ${KEY}`, 'sec-websocket-version: 13']),
    );
    assert.equal(result.key, KEY);
  });

  test('405 with Allow: GET for another method', () => {
    for (const method of ['POST', 'PUT', 'HEAD', 'get']) {
      assertHandshakeError(() => checkUpgradeRequest(request(GOOD_REQUEST, `${method} /chat HTTP/1.1`)), 405, 'WS_ERR_METHOD_NOT_ALLOWED', { Allow: 'GET' });
    }
  });

  test('RFC 6455 §4.4: 426 with Sec-WebSocket-Version: 13 for version 8 and for no version', () => {
    for (const version of ['8', '12', '14', '13, 8', 'thirteen', undefined]) {
      assertHandshakeError(() => checkUpgradeRequest(requestWith('Sec-WebSocket-Version', version)), 426, 'WS_ERR_UNSUPPORTED_VERSION', {
        'Sec-WebSocket-Version': '13',
      });
    }
  });

  test('426 for a plain GET without Upgrade', () => {
    assertHandshakeError(() => checkUpgradeRequest(request(['Host: a'])), 426, 'WS_ERR_UPGRADE_REQUIRED', { Upgrade: 'websocket', Connection: 'Upgrade' });
    assertHandshakeError(() => checkUpgradeRequest(requestWith('Upgrade', undefined)), 426, 'WS_ERR_UPGRADE_REQUIRED');
  });

  test('400 for a missing or repeated Host', () => {
    assertHandshakeError(() => checkUpgradeRequest(requestWith('Host', undefined)), 400, 'WS_ERR_MISSING_HOST');
    assertHandshakeError(() => checkUpgradeRequest(request([...GOOD_REQUEST, 'Host: other'])), 400, 'WS_ERR_MISSING_HOST');
  });

  test('400 for a bad, missing or repeated key', () => {
    for (const key of ['', 'AAAA', 'dGhlIHNhbXBsZSBub25jZQ', 'dGhlIHNhbXBsZSBub25jZR==', 'AAAAAAAAAAAAAAAAAAAAAAAA', 'not base64 at all!!!!!==', undefined]) {
      assertHandshakeError(() => checkUpgradeRequest(requestWith('Sec-WebSocket-Key', key)), 400, 'WS_ERR_INVALID_KEY');
    }
    assertHandshakeError(() => checkUpgradeRequest(request([...GOOD_REQUEST, `Sec-WebSocket-Key: ${KEY}`])), 400, 'WS_ERR_INVALID_KEY');
  });

  test('400 for a bad Connection or Upgrade', () => {
    for (const value of ['keep-alive', 'close', 'upgrade-insecure', undefined]) {
      assertHandshakeError(() => checkUpgradeRequest(requestWith('Connection', value)), 400, 'WS_ERR_INVALID_CONNECTION');
    }
    assertHandshakeError(() => checkUpgradeRequest(requestWith('Upgrade', 'h2c')), 400, 'WS_ERR_INVALID_UPGRADE');
  });

  test('400 for an invalid or duplicate subprotocol token', () => {
    for (const value of ['chat room', 'chat, "quoted"', 'a/b', 'chat, chat']) {
      assertHandshakeError(() => checkUpgradeRequest(request([...GOOD_REQUEST, `Sec-WebSocket-Protocol: ${value}`])), 400, 'WS_ERR_INVALID_SUBPROTOCOL');
    }
  });

  test('400 for HTTP/1.0', () => {
    assertHandshakeError(() => checkUpgradeRequest(request(GOOD_REQUEST, 'GET /chat HTTP/1.0')), 400, 'WS_ERR_HTTP_VERSION');
  });

  test('400 for a control character, NUL or DEL in the request target', () => {
    for (const c of [0x00, 0x01, 0x09, 0x1b, 0x7f]) {
      const target = `/chat${String.fromCharCode(c)}x`;
      const bad = { ...request(GOOD_REQUEST), target };
      assertHandshakeError(() => checkUpgradeRequest(bad), 400, 'WS_ERR_INVALID_TARGET');
      assertHandshakeError(() => checkRequestFraming(bad), 400, 'WS_ERR_INVALID_TARGET');
    }
    assert.doesNotThrow(() => checkRequestFraming({ ...request(GOOD_REQUEST), target: '/chat?q=%00&x=caf%C3%A9' }));
  });

  test('request smuggling shapes: Content-Length with Transfer-Encoding, differing or invalid Content-Lengths → 400', () => {
    const cases: Array<[string[], string, string]> = [
      [['Content-Length: 0', 'Transfer-Encoding: chunked'], 'WS_ERR_AMBIGUOUS_FRAMING', 'Content-Length together with Transfer-Encoding'],
      [['Content-Length: 5', 'Content-Length: 6'], 'WS_ERR_AMBIGUOUS_FRAMING', 'two different Content-Length values'],
      [['Content-Length: 0, 7'], 'WS_ERR_AMBIGUOUS_FRAMING', 'two different Content-Length values'],
      [['Content-Length: -1'], 'WS_ERR_AMBIGUOUS_FRAMING', 'invalid Content-Length'],
      [['Content-Length: 0x10'], 'WS_ERR_AMBIGUOUS_FRAMING', 'invalid Content-Length'],
      [['Content-Length:'], 'WS_ERR_AMBIGUOUS_FRAMING', 'invalid Content-Length'],
    ];
    for (const [extra, code, message] of cases) {
      assert.throws(
        () => checkUpgradeRequest(request([...GOOD_REQUEST, ...extra])),
        (error: unknown) => error instanceof HandshakeError && error.status === 400 && error.code === code && error.message === message,
        extra.join(' / '),
      );
    }
  });

  test('400 for any body on an upgrade: Content-Length over 0 or Transfer-Encoding (the GET has none)', () => {
    for (const extra of [['Content-Length: 5'], ['Content-Length: 5', 'Content-Length: 5'], ['Transfer-Encoding: chunked'], ['Transfer-Encoding: identity']]) {
      assertHandshakeError(() => checkUpgradeRequest(request([...GOOD_REQUEST, ...extra])), 400, 'WS_ERR_UPGRADE_BODY');
    }
  });

  test('Content-Length: 0 (some clients send it) is no body and is accepted', () => {
    assert.equal(checkUpgradeRequest(request([...GOOD_REQUEST, 'Content-Length: 0'])).key, KEY);
  });
});

describe('responses', () => {
  test('buildAcceptResponse, byte for byte', () => {
    assert.equal(
      buildAcceptResponse({ key: KEY, protocol: 'chat', extensions: 'permessage-deflate', headers: { 'X-Server': 'wscope' } }),
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${ACCEPT}\r\nSec-WebSocket-Protocol: chat\r\nSec-WebSocket-Extensions: permessage-deflate\r\nX-Server: wscope\r\n\r\n`,
    );
  });

  test('our own 101 passes our own client check', () => {
    const text = buildAcceptResponse({ key: KEY, protocol: 'chat' });
    const result = checkServerResponse(parseHttpHead(Buffer.from(text)), { key: KEY, protocols: ['chat'] });
    assert.equal(result.protocol, 'chat');
  });

  test('buildErrorResponse: status, extra headers, a body with its length', () => {
    assert.equal(
      buildErrorResponse(426, 'upgrade required: é', { 'Sec-WebSocket-Version': '13' }),
      'HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 21\r\nSec-WebSocket-Version: 13\r\n\r\nupgrade required: é\n',
    );
    assert.match(buildErrorResponse(599, 'x'), /^HTTP\/1\.1 599 Error\r\n/);
  });
});
