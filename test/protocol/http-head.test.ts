/** The HTTP head reader and parser (RFC 9112): terminator across reads, limits, malformed heads, linear time. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HEAD_LIMITS, HandshakeError, HeadReader, isToken, parseHttpHead, splitList } from '../../src/protocol/index.js';

const REQUEST = 'GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';

function head(text: string) {
  return parseHttpHead(Buffer.from(text, 'latin1'));
}

function assertHttpError(fn: () => unknown, status: number, code: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof HandshakeError, `expected a HandshakeError, got ${String(error)}`);
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    return true;
  });
}

describe('HeadReader', () => {
  test('the head and the bytes after it, whatever the split (the terminator cut anywhere)', () => {
    const wire = Buffer.from(`${REQUEST}\x81\x05Hello`);
    for (let cut = 0; cut <= wire.length; cut++) {
      const reader = new HeadReader();
      const first = reader.push(wire.subarray(0, cut));
      const result = first ?? reader.push(wire.subarray(cut));
      assert.ok(result, `cut at ${cut}`);
      assert.equal(result.head.toString(), REQUEST, `cut at ${cut}`);
      const expectedRest = first ? wire.subarray(REQUEST.length, cut) : wire.subarray(Math.max(cut, REQUEST.length));
      assert.equal(result.rest.toString('hex'), expectedRest.toString('hex'), `cut at ${cut}`);
    }
  });

  test('byte by byte: nothing until the last byte of CRLF CRLF', () => {
    const wire = Buffer.from(REQUEST);
    const reader = new HeadReader();
    for (let i = 0; i < wire.length - 1; i++) assert.equal(reader.push(wire.subarray(i, i + 1)), undefined, `byte ${i}`);
    const result = reader.push(wire.subarray(wire.length - 1));
    assert.equal(result?.head.toString(), REQUEST);
    assert.equal(result?.rest.length, 0);
  });

  test('CR LF CR followed by anything but LF is a bare CR: 400 at once', () => {
    const reader = new HeadReader();
    assert.equal(reader.push(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r')), undefined);
    assertHttpError(() => reader.push(Buffer.from('X')), 400, 'WS_ERR_MALFORMED_HTTP');
  });

  test('a small head followed by 100 KB of frames in the same read is not too large', () => {
    const body = Buffer.alloc(100_000, 0x82);
    const result = new HeadReader().push(Buffer.concat([Buffer.from(REQUEST), body]));
    assert.equal(result?.head.toString(), REQUEST);
    assert.equal(result?.rest.length, body.length);
  });

  test('431 for a 64 KiB header line, as soon as the limit is passed', () => {
    const reader = new HeadReader();
    assert.equal(reader.push(Buffer.from('GET / HTTP/1.1\r\nX-Long: ')), undefined);
    const line = Buffer.alloc(64 * 1024, 0x61);
    let fed = 0;
    assertHttpError(
      () => {
        for (; fed < line.length; fed += 1024) reader.push(line.subarray(fed, fed + 1024));
      },
      431,
      'WS_ERR_HEADERS_TOO_LARGE',
    );
    assert.ok(fed <= DEFAULT_HEAD_LIMITS.maxHeaderSize, `refused after ${fed} bytes, not after reading all`);
  });

  test('431 for a 64 KiB header line in one read', () => {
    assertHttpError(() => new HeadReader().push(Buffer.from(`GET / HTTP/1.1\r\nX-Long: ${'a'.repeat(64 * 1024)}\r\n\r\n`)), 431, 'WS_ERR_HEADERS_TOO_LARGE');
  });

  test('a head of exactly the limit passes; one byte more does not', () => {
    const limits = { maxHeaderSize: 100, maxHeaderCount: 10 };
    const prefix = 'GET / HTTP/1.1\r\nX: ';
    const exact = `${prefix + 'a'.repeat(100 - prefix.length - 4)}\r\n\r\n`;
    assert.equal(exact.length, 100);
    assert.equal(new HeadReader(limits).push(Buffer.from(exact))?.head.length, 100);
    assertHttpError(() => new HeadReader(limits).push(Buffer.from(`${prefix + 'a'.repeat(100 - prefix.length - 3)}\r\n\r\n`)), 431, 'WS_ERR_HEADERS_TOO_LARGE');
  });
});

describe('HeadReader: a head that cannot become valid fails at its first bad byte', () => {
  /** Push `text` in one piece into a reader for `kind` ('any': none given): the error it throws, undefined when it waits for more. */
  function firstPush(text: string | Buffer, kind: 'request' | 'response' | 'any' = 'request'): unknown {
    try {
      return new HeadReader(DEFAULT_HEAD_LIMITS, kind === 'any' ? undefined : kind).push(typeof text === 'string' ? Buffer.from(text, 'latin1') : text) ===
        undefined
        ? undefined
        : 'done';
    } catch (error) {
      return error;
    }
  }

  function assert400(text: string | Buffer, message: string, kind: 'request' | 'response' | 'any' = 'request'): void {
    const error = firstPush(text, kind);
    assert.ok(error instanceof HandshakeError, `${JSON.stringify(String(text))}: expected a 400, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'WS_ERR_MALFORMED_HTTP');
    assert.equal(error.message, message);
  }

  test('bare LF line ends: 400 at the first LF, no terminator needed', () => {
    assert400('GET / HTTP/1.1\n', 'bare LF in the head (lines end in CRLF)');
    assert400('GET / HTTP/1.1\r\nHost: a\nUpgrade: websocket', 'bare LF in the head (lines end in CRLF)');
    assert400('GET / HTTP/1.1\r\nHost: a\r\n\n', 'bare LF in the head (lines end in CRLF)');
  });

  test('a bare CR: 400 as soon as the next byte is not LF', () => {
    assert400('GET / HTTP/1.1\rHost: a', 'bare CR in the head (lines end in CRLF)');
  });

  test('control characters anywhere in the head: 400 at once', () => {
    assert400('GET / HTTP/1.1\r\nX: a\u0000b', 'control character 0x00 in the head');
    assert400('GET /a\u0001b', 'control character 0x01 in the head');
    assert400('GET / HTTP/1.1\r\nX: \u001b[2J', 'control character 0x1b in the head');
    assert400(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), 'control character 0x16 in the head');
  });

  test('binary garbage or a line that is not a request line: 400 at its first byte or at its end', () => {
    assert400(Buffer.from([0xff, 0xfe, 0x41]), 'not an HTTP request line');
    assert400(' GET / HTTP/1.1', 'not an HTTP request line');
    assert400('{"type":"hello"}', 'not an HTTP request line');
    assert400('SSH-2.0-OpenSSH_9.6\r\n', 'malformed start line');
    assert400('hello world\r\n', 'malformed start line');
    assert400('GET  / HTTP/1.1', 'malformed start line');
    assert400('GET / HTTP/2.0.1', 'malformed start line');
    assert400('GET / XTTP', 'malformed start line');
    assert400('GET / HTTP/1.1 \r\n', 'malformed start line');
  });

  test('every prefix of a valid request (and of one with a long target) waits for more', () => {
    for (const valid of [REQUEST, `GET /${'x'.repeat(200)}?a=b HTTP/1.1\r\nHost: a\r\n\r\n`]) {
      for (let cut = 1; cut < valid.length; cut++) assert.equal(firstPush(valid.slice(0, cut)), undefined, `cut at ${cut}`);
      assert.equal(firstPush(valid), 'done');
    }
  });

  test('without a kind, a request and a response head are both read (only line ends and control characters are checked early)', () => {
    assert.equal(firstPush('HTTP/1.1 101 Switching Protocols\r\n\r\n', 'any'), 'done');
    assert.equal(firstPush(REQUEST, 'any'), 'done');
    assert.equal(firstPush('SSH-2.0-OpenSSH_9.6\r\n', 'any'), undefined);
    assert400('SSH-2.0\n', 'bare LF in the head (lines end in CRLF)', 'any');
  });

  test('a response head: the status line must start with HTTP/; bare LF and control characters fail the same way', () => {
    assert.equal(firstPush('HTTP/1.1 101 Switching Protocols\r\n\r\n', 'response'), 'done');
    assert.equal(firstPush('HTT', 'response'), undefined);
    assert400('SSH-2.0-OpenSSH_9.6', 'not an HTTP response', 'response');
    assert400('<html>', 'not an HTTP response', 'response');
    assert400('HTTP/1.1 101 Switching Protocols\nUpgrade: websocket', 'bare LF in the head (lines end in CRLF)', 'response');
  });
});

describe('parseHttpHead', () => {
  test('start line, headers in order, names folded to lower case, values trimmed', () => {
    const parsed = head('GET /chat?x=1 HTTP/1.1\r\nHost: a\r\nX-Dup: 1\r\nx-dup:2  \r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n');
    assert.deepEqual(parsed.startLine, ['GET', '/chat?x=1', 'HTTP/1.1']);
    assert.deepEqual(parsed.rawHeaders, [
      ['Host', 'a'],
      ['X-Dup', '1'],
      ['x-dup', '2'],
      ['X-Empty', ''],
      ['X-Tab', 'v'],
    ]);
    assert.deepEqual(parsed.headers.get('x-dup'), ['1', '2']);
    assert.deepEqual(parsed.headers.get('x-empty'), ['']);
    assert.equal(parsed.headers.get('X-Dup'), undefined);
  });

  test('a status line keeps the reason phrase whole', () => {
    assert.deepEqual(head('HTTP/1.1 101 Switching Protocols\r\n\r\n').startLine, ['HTTP/1.1', '101', 'Switching Protocols']);
  });

  test('431 for 2000 headers', () => {
    const many = `GET / HTTP/1.1\r\n${Array.from({ length: 2000 }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`;
    assertHttpError(() => head(many), 431, 'WS_ERR_HEADERS_TOO_LARGE');
    assertHttpError(() => new HeadReader().push(Buffer.from(many)), 431, 'WS_ERR_HEADERS_TOO_LARGE');
    const hundred = `GET / HTTP/1.1\r\n${Array.from({ length: 100 }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`;
    assert.equal(head(hundred).rawHeaders.length, 100, 'the default limit itself is allowed');
  });

  test('400 for obsolete line folding (RFC 9112 §5.2)', () => {
    assertHttpError(() => head('GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n'), 400, 'WS_ERR_MALFORMED_HTTP');
    assertHttpError(() => head('GET / HTTP/1.1\r\nX-A: one\r\n\ttwo: x\r\n\r\n'), 400, 'WS_ERR_MALFORMED_HTTP');
  });

  test('400 for bad header names', () => {
    for (const line of ['Bad Name: x', 'X-A : x', ': x', 'no-colon', '(x): y', 'X\u0000: y', 'X\u00e9: y', '"q": y', 'a/b: c']) {
      assertHttpError(() => head(`GET / HTTP/1.1\r\n${line}\r\n\r\n`), 400, 'WS_ERR_MALFORMED_HTTP');
    }
  });

  test('400 for control characters in values; obs-text is allowed', () => {
    for (const value of ['a\u0000b', 'a\rb', 'a\u007fb', 'a\u0001']) {
      assertHttpError(() => head(`GET / HTTP/1.1\r\nX: ${value}\r\n\r\n`), 400, 'WS_ERR_MALFORMED_HTTP');
    }
    assert.deepEqual(head('GET / HTTP/1.1\r\nX: caf\u00e9\r\n\r\n').headers.get('x'), ['caf\u00e9']);
  });

  test('400 for a malformed start line', () => {
    for (const start of ['GET', 'GET /', ' GET / HTTP/1.1', '']) {
      assertHttpError(() => head(`${start}\r\nHost: a\r\n\r\n`), 400, 'WS_ERR_MALFORMED_HTTP');
    }
  });

  test('linear time: 16 KiB pathological heads parse in well under a second', () => {
    const size = 16 * 1024 - 100;
    const heads = [
      `GET / HTTP/1.1\r\nX: ${' \t'.repeat(size / 2)}x\r\n\r\n`,
      `GET / HTTP/1.1\r\nX: ${':'.repeat(size)}\r\n\r\n`,
      `GET / HTTP/1.1\r\nSec-WebSocket-Protocol: ${','.repeat(size)}\r\n\r\n`,
      `GET ${'/'.repeat(size)} HTTP/1.1\r\n\r\n`,
      // Near-terminators everywhere: CR LF CR never followed by LF. Refused, with a 400 or 431.
      `GET / HTTP/1.1\r\nX: ${'\r\n\r'.repeat(size / 3)}\r\n\r\n`,
    ];
    const started = process.hrtime.bigint();
    for (let round = 0; round < 10; round++) {
      for (const text of heads) {
        const wire = Buffer.from(text);
        const reader = new HeadReader();
        try {
          let result: ReturnType<HeadReader['push']> | undefined;
          for (let i = 0; i < wire.length && !result; i += 7) result = reader.push(wire.subarray(i, i + 7));
          assert.ok(result);
          parseHttpHead(result.head);
        } catch (error) {
          assert.ok(error instanceof HandshakeError && (error.status === 400 || error.status === 431));
        }
      }
      splitList([','.repeat(size)]);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 1000, `50 pathological heads took ${ms.toFixed(0)} ms`);
  });
});

describe('tokens and lists', () => {
  test('isToken (RFC 9110 §5.6.2)', () => {
    for (const token of ['chat', 'v1.graphql-ws', "!#$%&'*+-.^_`|~", 'A9']) assert.equal(isToken(token), true, token);
    for (const token of ['', 'a b', 'a,b', 'a;b', 'a"b', 'é', 'a\tb', 'a/b', '(x)', '{x}']) assert.equal(isToken(token), false, token);
  });

  test('splitList trims and drops empty elements, across repeated headers', () => {
    assert.deepEqual(splitList(['a, b,,c ', ' ,d']), ['a', 'b', 'c', 'd']);
    assert.deepEqual(splitList(undefined), []);
  });
});
