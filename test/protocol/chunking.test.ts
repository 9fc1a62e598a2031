/**
 * The property every receiver must have: however the bytes are cut into reads, the events and
 * the bytes sent back are the same. Streams are fed whole, byte by byte, and in a few hundred
 * random chunkings from a seeded PRNG (the seed is in the failure message, to replay it).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Opcode, type Connection, type ConnectionEvent, type Role } from '../../src/protocol/index.js';
import { serializeFrame } from '../../src/protocol/frame.js';
import { byteByByte, clientFrame, connection, feedChunks, hex, mulberry32, plain, randomSizes, serverFrame, toHex, type PlainEvent } from './helpers.js';

interface Run {
  events: PlainEvent[];
  sent: string;
  state: string;
}

/**
 * How the bytes are fed: as `receiveData` with the events taken at the end; with a sink taking
 * the small messages (the events taken after each read, as the adapters do); or borrowed, each
 * read in one reused buffer that is scribbled over once the call returns, so a message or a
 * leftover that still pointed into it would come out wrong.
 */
type Feed = 'events' | 'sink' | 'borrowed';
const FEEDS: readonly Feed[] = ['events', 'sink', 'borrowed'];

function runWith(role: Role, stream: Buffer, sizes: Iterable<number>, feed: Feed = 'events'): Run {
  const conn: Connection = connection(role);
  if (feed === 'events') {
    feedChunks(conn, stream, sizes);
    return { events: plain(conn.takeEvents()), sent: toHex(Buffer.concat(conn.takeOutgoing())), state: `${conn.readyState}/${conn.hasFailed}` };
  }
  // In arrival order: sink messages made plain during the call (their bytes are valid only then), events as they were taken.
  const got: Array<PlainEvent | ConnectionEvent[]> = [];
  conn.sink = {
    smallMessage: (bytes, start, end, binary) => got.push({ type: 'message', binary, data: toHex(bytes.subarray(start, end)), compressed: false }),
  };
  const read = Buffer.alloc(stream.length);
  feedChunks(conn, stream, sizes, (chunk) => {
    if (feed === 'sink') {
      conn.receiveData(Buffer.from(chunk));
    } else {
      read.set(chunk);
      conn.receiveBorrowed(read, chunk.length);
      read.fill(0xee);
    }
    got.push(conn.takeEvents());
  });
  const events = got.flatMap((entry) => (Array.isArray(entry) ? plain(entry) : [entry]));
  return { events, sent: toHex(Buffer.concat(conn.takeOutgoing())), state: `${conn.readyState}/${conn.hasFailed}` };
}

/** Small chunks cut headers and code points; large ones hold many frames. */
const CHUNK_LIMITS = [3, 7, 16, 64, 500, 5000];

/** The same events, bytes sent and end state however the stream is cut, fed in each of the three ways. */
function assertSameForEveryChunking(role: Role, stream: Buffer, expected: Run, chunkings = 300, limits = CHUNK_LIMITS): void {
  for (const feed of FEEDS) {
    assert.deepEqual(runWith(role, stream, [stream.length], feed), expected, `whole, ${feed}`);
    assert.deepEqual(runWith(role, stream, byteByByte(), feed), expected, `byte by byte, ${feed}`);
    for (let seed = 1; seed <= chunkings; seed++) {
      const max = limits[seed % limits.length]!;
      const run = runWith(role, stream, randomSizes(seed, max), feed);
      if (JSON.stringify(run) !== JSON.stringify(expected)) assert.deepEqual(run, expected, `seed ${seed}, chunks of 1..${max}, ${feed}`);
    }
  }
}

const frameFor = (role: Role) => (role === 'server' ? clientFrame : serverFrame);

/**
 * A stream with a bit of everything, as the given role receives it. `bigLength` sizes the
 * last fragment of a binary message: over 65535 it takes the 64-bit length form.
 */
function mixedStream(role: Role, bigLength: number): Buffer {
  const frame = frameFor(role);
  const big = Buffer.alloc(1000 + bigLength);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  return Buffer.concat([
    frame(Opcode.Text, 'Hello'),
    frame(Opcode.Text, 'κόσ', { fin: false }),
    frame(Opcode.Ping, 'ping-1'),
    // "με 😀": the emoji is cut between fragments, then the rest follows a pong.
    frame(Opcode.Continuation, Buffer.from('με 😀').subarray(0, 6), { fin: false }),
    frame(Opcode.Pong, ''),
    frame(Opcode.Continuation, Buffer.from('με 😀').subarray(6), { fin: false }),
    frame(Opcode.Continuation, ' done'),
    frame(Opcode.Binary, Buffer.alloc(300, 0xab)),
    frame(Opcode.Binary, big.subarray(0, 1000), { fin: false }),
    frame(Opcode.Ping, Buffer.alloc(125, 0x70)),
    frame(Opcode.Continuation, big.subarray(1000)),
    frame(Opcode.Text, ''),
    frame(Opcode.Close, Buffer.concat([hex('0fa0'), Buffer.from('fin ✓')])),
    frame(Opcode.Text, 'ignored after Close'),
  ]);
}

describe('any chunking gives the same events', () => {
  for (const role of ['server', 'client'] as const) {
    test(`a mixed stream received by a ${role}`, () => {
      const stream = mixedStream(role, 3000);
      const expected = runWith(role, stream, [stream.length]);
      assert.deepEqual(
        expected.events.map((event) => event.type),
        ['message', 'ping', 'pong', 'message', 'message', 'ping', 'message', 'message', 'close'],
      );
      assert.deepEqual(expected.events[3], { type: 'message', binary: false, data: toHex(Buffer.from('κόσμε 😀 done')), compressed: false });
      assert.equal(expected.state, 'closed/false');
      assertSameForEveryChunking(role, stream, expected);
    });
  }

  test('a mixed stream with a 64-bit length frame', () => {
    const stream = mixedStream('server', 70_000);
    const expected = runWith('server', stream, [stream.length]);
    const big = expected.events[6];
    assert.ok(big?.type === 'message' && big.data.length === 2 * 71_000);
    // Fewer and coarser chunkings: 70 KB cut into 1-3 byte reads is slow and adds nothing.
    assertSameForEveryChunking('server', stream, expected, 40, [7, 64, 500, 5000]);
  });

  test('a stream that fails mid-message on bad UTF-8 fails at the same place', () => {
    const stream = Buffer.concat([
      clientFrame(Opcode.Text, 'ok'),
      clientFrame(Opcode.Text, 'abc', { fin: false }),
      clientFrame(Opcode.Ping, 'x'),
      clientFrame(Opcode.Continuation, Buffer.concat([Buffer.from('def'), hex('f4 90 80 80'), Buffer.from('ghi')]), { fin: false }),
      clientFrame(Opcode.Continuation, 'never seen'),
    ]);
    const expected = runWith('server', stream, [stream.length]);
    assert.deepEqual(
      expected.events.map((event) => (event.type === 'error' ? event.code : event.type)),
      ['message', 'ping', 'WS_ERR_INVALID_UTF8'],
    );
    assertSameForEveryChunking('server', stream, expected);
  });

  test('a stream that fails on a bad header fails at the same place', () => {
    const stream = Buffer.concat([
      clientFrame(Opcode.Binary, Buffer.alloc(200)),
      clientFrame(Opcode.Ping, 'x'),
      hex('c1 80 00 00 00 00'),
      clientFrame(Opcode.Text, 'after'),
    ]);
    const expected = runWith('server', stream, [stream.length]);
    assert.deepEqual(
      expected.events.map((event) => (event.type === 'error' ? event.code : event.type)),
      ['message', 'ping', 'WS_ERR_UNEXPECTED_RSV_1'],
    );
    assertSameForEveryChunking('server', stream, expected);
  });
});

describe('small whole messages (read in one step when a read holds all of one)', () => {
  /** Each stream: a good message, the case, then a message that must not be read after a failure. */
  const cases: Array<{ name: string; role: Role; frame: Buffer; outcome: string }> = [
    { name: 'empty text', role: 'client', frame: serverFrame(Opcode.Text, ''), outcome: 'message' },
    {
      name: '125 bytes of binary (the largest taken in one step)',
      role: 'server',
      frame: clientFrame(Opcode.Binary, Buffer.alloc(125, 7)),
      outcome: 'message',
    },
    { name: '126 bytes (the 16-bit length form)', role: 'client', frame: serverFrame(Opcode.Text, 'x'.repeat(126)), outcome: 'message' },
    { name: 'text with multi-byte code points', role: 'server', frame: clientFrame(Opcode.Text, 'é€😀'), outcome: 'message' },
    { name: 'a byte that is never UTF-8', role: 'client', frame: serverFrame(Opcode.Text, hex('61 ff 62')), outcome: 'WS_ERR_INVALID_UTF8' },
    { name: 'text ending inside a code point', role: 'server', frame: clientFrame(Opcode.Text, hex('61 e2 82')), outcome: 'WS_ERR_INVALID_UTF8' },
    { name: 'RSV1 with no extension', role: 'client', frame: serverFrame(Opcode.Text, 'a', { rsv1: true }), outcome: 'WS_ERR_UNEXPECTED_RSV_1' },
    { name: 'an unmasked client frame', role: 'server', frame: serverFrame(Opcode.Binary, 'a'), outcome: 'WS_ERR_EXPECTED_MASK' },
    { name: 'a masked server frame', role: 'client', frame: clientFrame(Opcode.Binary, 'a'), outcome: 'WS_ERR_UNEXPECTED_MASK' },
    { name: 'a continuation with no message', role: 'client', frame: serverFrame(Opcode.Continuation, 'a'), outcome: 'WS_ERR_UNEXPECTED_CONTINUATION' },
  ];
  for (const { name, role, frame, outcome } of cases) {
    test(`${name}, received by a ${role}`, () => {
      const peer = frameFor(role);
      const stream = Buffer.concat([peer(Opcode.Text, 'before'), frame, peer(Opcode.Binary, 'after')]);
      const expected = runWith(role, stream, [stream.length]);
      const kinds = expected.events.map((event) => (event.type === 'error' ? event.code : event.type));
      assert.deepEqual(kinds, outcome === 'message' ? ['message', 'message', 'message'] : ['message', outcome]);
      assertSameForEveryChunking(role, stream, expected, 60);
    });
  }

  test('a message over maxMessageSize fails with 1009 whole and split', () => {
    const stream = Buffer.concat([clientFrame(Opcode.Text, 'ok'), clientFrame(Opcode.Binary, Buffer.alloc(11))]);
    for (const sizes of [[stream.length], byteByByte()]) {
      const conn = connection('server', { maxMessageSize: 10 });
      feedChunks(conn, stream, sizes);
      const events = plain(conn.takeEvents());
      assert.deepEqual(
        events.map((event) => (event.type === 'error' ? event.code : event.type)),
        ['message', 'WS_ERR_MESSAGE_TOO_BIG'],
      );
    }
  });

  test('a masked message is unmasked, and the next one is read with its own key', () => {
    const conn = connection('server');
    const first = serializeFrame({ opcode: Opcode.Text, payload: Buffer.from('first'), maskKey: hex('01020304') });
    const second = serializeFrame({ opcode: Opcode.Binary, payload: Buffer.from('second'), maskKey: hex('a0b0c0d0') });
    conn.receiveData(Buffer.concat([first, second]));
    const events = plain(conn.takeEvents());
    assert.deepEqual(
      events.map((event) => (event.type === 'message' ? `${event.binary ? 'binary' : 'text'} ${Buffer.from(event.data, 'hex').toString()}` : event.type)),
      ['text first', 'binary second'],
    );
  });
});

describe('random streams against a model', () => {
  /** Random messages, fragmented at random, with pings between fragments; the model is the list of events. */
  function randomStream(seed: number): { stream: Buffer; events: PlainEvent[] } {
    const random = mulberry32(seed);
    const pick = (n: number) => Math.floor(random() * n);
    const alphabet = ['a', 'é', '€', '😀', ' ', '\u0000', '\u{10ffff}'];
    const parts: Buffer[] = [];
    const events: PlainEvent[] = [];
    for (let m = 0, count = 1 + pick(8); m < count; m++) {
      const binary = random() < 0.4;
      let data: Buffer;
      if (binary) {
        data = Buffer.alloc(pick(random() < 0.1 ? 70_000 : 200));
        for (let i = 0; i < data.length; i++) data[i] = pick(256);
      } else {
        data = Buffer.from(Array.from({ length: pick(40) }, () => alphabet[pick(alphabet.length)]).join(''));
      }
      const fragments = 1 + pick(5);
      let offset = 0;
      for (let f = 0; f < fragments; f++) {
        const end = f === fragments - 1 ? data.length : offset + pick(data.length - offset + 1);
        const opcode = f === 0 ? (binary ? Opcode.Binary : Opcode.Text) : Opcode.Continuation;
        parts.push(clientFrame(opcode, data.subarray(offset, end), { fin: f === fragments - 1 }));
        offset = end;
        if (f < fragments - 1 && random() < 0.5) {
          const ping = Buffer.from(`ping ${m}.${f}`);
          parts.push(clientFrame(Opcode.Ping, ping));
          events.push({ type: 'ping', data: toHex(ping) });
        }
      }
      events.push({ type: 'message', binary, data: toHex(data), compressed: false });
    }
    parts.push(clientFrame(Opcode.Close, hex('03e8')));
    events.push({ type: 'close', code: 1000, reason: '' });
    return { stream: Buffer.concat(parts), events };
  }

  test("100 random streams, each in 5 random chunkings, give the model's events", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const { stream, events } = randomStream(seed);
      for (let chunking = 0; chunking < 5; chunking++) {
        const feed = FEEDS[(seed + chunking) % FEEDS.length]!;
        const run = runWith('server', stream, randomSizes(seed * 1000 + chunking, [1, 5, 40, 300, 100_000][chunking]!), feed);
        if (JSON.stringify(run.events) !== JSON.stringify(events)) assert.deepEqual(run.events, events, `stream seed ${seed}, chunking ${chunking}, ${feed}`);
      }
    }
  });
});

describe('a sink that throws', () => {
  for (const feed of ['sink', 'borrowed'] as const) {
    test(`${feed}: the error is the caller's, the connection stays open, and the rest of the read comes with the next`, () => {
      const conn = connection('client');
      const seen: string[] = [];
      conn.sink = {
        smallMessage(bytes, start, end) {
          const text = Buffer.from(bytes.subarray(start, end)).toString();
          seen.push(text);
          if (text === 'two') throw new Error('listener bug');
        },
      };
      const read = Buffer.concat(['one', 'two', 'three'].map((text) => serverFrame(Opcode.Text, text)));
      const next = serverFrame(Opcode.Text, 'four');
      const feedOne = (bytes: Buffer): void => {
        if (feed === 'sink') conn.receiveData(Buffer.from(bytes));
        else {
          const shared = Buffer.from(bytes);
          conn.receiveBorrowed(shared, shared.length);
          shared.fill(0xee);
        }
      };
      assert.throws(() => feedOne(read), /listener bug/);
      assert.deepEqual(seen, ['one', 'two']);
      assert.equal(conn.readyState, 'open');
      assert.equal(conn.hasFailed, false);
      feedOne(next);
      assert.deepEqual(seen, ['one', 'two', 'three', 'four']);
      assert.deepEqual(conn.takeEvents(), []);
      assert.equal(conn.takeOutgoing().length, 0, 'no Close was sent for it');
    });
  }
});
