/** The trace model without sockets: the payload rule, JSONL both ways, validation errors, redaction. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeJsonl,
  decodePayload,
  encodeJsonl,
  encodePayload,
  encodeTraceLine,
  parseTraceLine,
  redactEvent,
  redactUrl,
  redactUrlPasswords,
  TraceFormatError,
  type TraceEvent,
} from '../../src/trace/index.js';

const EVENTS: TraceEvent[] = [
  {
    time: 1764581813.123456,
    conn: 1,
    event: 'handshake',
    dir: 'out',
    role: 'client',
    url: 'ws://127.0.0.1:8765/',
    method: 'GET',
    target: '/',
    httpVersion: 'HTTP/1.1',
    requestHeaders: [['Host', '127.0.0.1:8765']],
    status: 101,
    statusText: 'Switching Protocols',
    responseHeaders: [['Upgrade', 'websocket']],
    protocol: '',
    extensions: '',
    start: 1764581813.1201,
    timings: { connect: 1.2, wait: 0.8 },
  },
  { time: 1764581813.2, conn: 1, event: 'message', dir: 'out', opcode: 1, size: 15, data: 'two\nlines é\u2028', encoding: 'utf8' },
  { time: 1764581813.3, conn: 1, event: 'message', dir: 'in', opcode: 2, size: 3, data: 'vgD/', encoding: 'base64', wireSize: 5 },
  { time: 1764581813.4, conn: 1, event: 'ping', dir: 'out', opcode: 9, size: 0, data: '', encoding: 'utf8' },
  {
    time: 1764581813.5,
    conn: 1,
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
  { time: 1764581813.6, conn: 2, event: 'error', dir: 'in', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
];

describe('payload encoding', () => {
  test('text is utf8; binary is base64 even when it looks like text; other bytes are utf8 only when valid UTF-8', () => {
    assert.deepEqual(encodePayload(Buffer.from('a\nb'), 'text'), { data: 'a\nb', encoding: 'utf8' });
    assert.deepEqual(encodePayload(Buffer.from('hello'), 'binary'), { data: 'aGVsbG8=', encoding: 'base64' });
    assert.deepEqual(encodePayload(Buffer.from('hello'), 'bytes'), { data: 'hello', encoding: 'utf8' });
    assert.deepEqual(encodePayload(Buffer.from([0xbe]), 'bytes'), { data: 'vg==', encoding: 'base64' });
  });

  test('every byte value and every UTF-8 text round-trips exactly', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (const kind of ['binary', 'bytes'] as const) {
      const { data, encoding } = encodePayload(all, kind);
      assert.deepEqual(decodePayload(data, encoding), all);
    }
    // A BOM, a NUL, a line separator, a 4-byte character: all kept.
    const text = Buffer.from('\ufeff\u0000\u2028😀\r\n');
    const { data, encoding } = encodePayload(text, 'bytes');
    assert.equal(encoding, 'utf8');
    assert.deepEqual(decodePayload(data, encoding), text);
  });
});

describe('JSONL', () => {
  test('one event per line, and back: equal events', () => {
    const text = encodeJsonl(EVENTS);
    assert.equal(text.split('\n').length, EVENTS.length + 1, 'a newline in a message never splits its line');
    assert.ok(!text.includes('\u2028') && text.includes('\\u2028'), 'U+2028 is escaped: some line readers split on it');
    assert.deepEqual(decodeJsonl(text), EVENTS);
    assert.deepEqual(decodeJsonl(text.replaceAll('\n', '\r\n')), EVENTS);
    assert.deepEqual(decodeJsonl(`\n${text}\n\n`.trimEnd()), EVENTS);
  });

  const bad: Array<[string, RegExp]> = [
    ['{"time":1', /^line 2: not JSON: /],
    ['[1,2]', /^line 2: expected a JSON object$/],
    ['{"time":1,"conn":1,"event":"frame","dir":"in"}', /^line 2: "event" must be one of handshake, message, ping, pong, close, error, got "frame"$/],
    ['{"time":1,"conn":0,"event":"ping","dir":"in"}', /^line 2: "conn" must be a connection id/],
    ['{"time":1,"conn":1,"event":"ping","dir":"up"}', /^line 2: "dir" must be "in" or "out", got "up"$/],
    [
      '{"time":1,"conn":1,"event":"message","dir":"in","opcode":9,"size":0,"data":"","encoding":"utf8"}',
      /^line 2: "opcode" must be 1 or 2 for a message event, got 9$/,
    ],
    [
      '{"time":1,"conn":1,"event":"message","dir":"in","opcode":2,"size":4,"data":"vg==","encoding":"base64"}',
      /^line 2: "size" is 4 but "data" holds 1 bytes$/,
    ],
    ['{"time":1,"conn":1,"event":"message","dir":"in","opcode":2,"size":1,"data":"v g==","encoding":"base64"}', /^line 2: "data" is not valid base64$/],
    [
      '{"time":1,"conn":1,"event":"message","dir":"in","opcode":1,"size":1,"data":"a","encoding":"latin1"}',
      /^line 2: "encoding" must be "utf8" or "base64", got "latin1"$/,
    ],
    ['{"time":1,"conn":1,"event":"error","dir":"in","message":"x"}', /^line 2: "code" must be a string, got undefined$/],
  ];
  for (const [line, expected] of bad) {
    test(`a bad line is refused with its line number: ${expected.source.slice(0, 60)}`, () => {
      const text = `${encodeTraceLine(EVENTS[1]!)}${line}\n${encodeTraceLine(EVENTS[2]!)}`;
      assert.throws(
        () => decodeJsonl(text),
        (error: unknown) => error instanceof TraceFormatError && error.line === 2 && expected.test(error.message),
      );
    });
  }

  test('fields of later versions are kept', () => {
    const event = parseTraceLine('{"time":1,"conn":3,"event":"pong","dir":"in","opcode":10,"size":1,"data":"x","encoding":"utf8","extra":[1]}');
    assert.deepEqual((event as unknown as { extra: number[] }).extra, [1]);
  });
});

describe('redaction', () => {
  test('credential headers and URL passwords are replaced, nothing else', () => {
    const handshake = {
      ...(EVENTS[0] as Extract<TraceEvent, { event: 'handshake' }>),
      url: 'wss://bob:hunter2@example.test/x?token=t',
      requestHeaders: [
        ['authorization', 'Bearer T'],
        ['Cookie', 'a=1'],
        ['Proxy-Authorization', 'Basic x'],
        ['X-Kept', 'v'],
      ] as Array<[string, string]>,
      responseHeaders: [['Set-Cookie', 'b=2']] as Array<[string, string]>,
    };
    const redacted = redactEvent(handshake);
    assert.equal(redacted.url, 'wss://bob:***@example.test/x?token=t');
    assert.deepEqual(redacted.requestHeaders, [
      ['authorization', '[redacted]'],
      ['Cookie', '[redacted]'],
      ['Proxy-Authorization', '[redacted]'],
      ['X-Kept', 'v'],
    ]);
    assert.deepEqual(redacted.responseHeaders, [['Set-Cookie', '[redacted]']]);
    assert.equal(handshake.requestHeaders[0]![1], 'Bearer T', 'the original is left alone');
    assert.equal(redactUrl('ws://only-user@host/'), 'ws://only-user@host/');
    assert.equal(redactUrl('not a url @'), 'not a url @');
  });

  test('an error quoting its URL does not carry the password, in its message or its url', () => {
    const error = {
      time: 1764581813.6,
      conn: 2,
      event: 'error' as const,
      dir: 'in' as const,
      code: 'ECONNREFUSED',
      message: 'could not connect to ws://bob:hunter2@127.0.0.1:1/x: connect ECONNREFUSED',
      url: 'ws://bob:hunter2@127.0.0.1:1/x',
    };
    const redacted = redactEvent(error);
    assert.equal(redacted.message, 'could not connect to ws://bob:***@127.0.0.1:1/x: connect ECONNREFUSED');
    assert.equal(redacted.url, 'ws://bob:***@127.0.0.1:1/x');
    assert.equal(redactUrlPasswords('see wss://a:b@h/ and http://c:d@e:80/'), 'see wss://a:***@h/ and http://c:***@e:80/');
    assert.equal(redactUrlPasswords('ws://only-user@host/ user@mail'), 'ws://only-user@host/ user@mail');
  });
});
