/**
 * The message size limit and the memory a message costs while it arrives. A 4 MiB message in
 * 65536 fragments of 64 bytes fits a 4 MiB limit exactly and fails one byte under it; tiny
 * fragments must not pin the large read buffers they arrived in (count the bytes, not the frames).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Opcode, type Connection } from '../../src/protocol/index.js';
import { assertFails, connection, serverFrame } from './helpers.js';

const MIB = 1024 * 1024;
const FRAGMENT = 64;
const FRAGMENTS = (4 * MIB) / FRAGMENT;

/**
 * A real collector, so retained memory can be measured rather than guessed: --expose-gc set at
 * run time takes effect for a fresh context. Without it, garbage would blur every measurement.
 */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  assert.equal(typeof gc, 'function');
  return gc as () => void;
}

/**
 * Bytes held after a full collection. V8 frees ArrayBuffer memory on a background sweeper that the
 * next collection waits for, so a second collection makes `arrayBuffers` exact.
 */
function retained(gc: () => void): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.arrayBuffers + usage.heapUsed;
}

/** Fragment `i` of the test message: 64 bytes that depend on `i`, so misordering shows. */
function payloadOf(i: number): Buffer {
  const out = Buffer.allocUnsafe(FRAGMENT);
  for (let j = 0; j < FRAGMENT; j++) out[j] = (i * 7 + j) & 0xff;
  return out;
}

/** The wire bytes of the message as a server sends it: 2-byte headers, unmasked. */
function fragmentedStream(): Buffer {
  const frameSize = 2 + FRAGMENT;
  const stream = Buffer.allocUnsafe(FRAGMENTS * frameSize);
  for (let i = 0; i < FRAGMENTS; i++) {
    const offset = i * frameSize;
    stream[offset] = (i === FRAGMENTS - 1 ? 0x80 : 0) | (i === 0 ? Opcode.Binary : Opcode.Continuation);
    stream[offset + 1] = FRAGMENT;
    payloadOf(i).copy(stream, offset + 2);
  }
  return stream;
}

/** Feed `stream` as 64 KiB reads, each in a buffer of its own as a socket hands them over. */
function feedAsReads(conn: Connection, stream: Buffer, end: number, onRead?: (fed: number) => void): void {
  for (let offset = 0; offset < end; offset += 64 * 1024) {
    const read = Buffer.allocUnsafeSlow(Math.min(64 * 1024, end - offset));
    stream.copy(read, 0, offset, offset + read.length);
    conn.receiveData(read);
    onRead?.(offset + read.length);
  }
}

describe('a 4 MiB message in 65536 fragments of 64 bytes', () => {
  const stream = fragmentedStream();

  test('is accepted with maxMessageSize 4 MiB (an exact fit), in bounded memory', () => {
    const gc = collector();
    const conn = connection('client', { maxMessageSize: 4 * MIB });
    const before = retained(gc);
    let peak = 0;
    feedAsReads(conn, stream, stream.length, (fed) => {
      // Measure every 1 MiB read, not every read: a full GC per read would be slow.
      if (fed % MIB === 0 || fed === stream.length) peak = Math.max(peak, retained(gc) - before);
    });
    const events = conn.takeEvents();
    assert.equal(events.length, 1);
    const event = events[0]!;
    assert.ok(event.type === 'message');
    assert.equal(event.binary, true);
    assert.equal(event.data.length, 4 * MIB);
    for (let i = 0; i < FRAGMENTS; i++) {
      if (!event.data.subarray(i * FRAGMENT, (i + 1) * FRAGMENT).equals(payloadOf(i))) assert.fail(`fragment ${i} differs`);
    }
    assert.deepEqual(conn.takeOutgoing(), []);
    // The message itself, plus at most its size again while pieces are joined: well under 4x.
    assert.ok(peak < 4 * 4 * MIB, `retained ${peak} bytes for a ${4 * MIB}-byte message`);
  });

  test("fails with 1009 at the last fragment's header when the limit is 4 MiB - 1", () => {
    const conn = connection('client', { maxMessageSize: 4 * MIB - 1 });
    const lastFrame = stream.length - (2 + FRAGMENT);
    feedAsReads(conn, stream, lastFrame);
    assert.deepEqual(conn.takeEvents(), []);
    // Only the header: the limit is checked before any payload is waited for.
    assertFails(conn, stream.subarray(lastFrame, lastFrame + 2), 'WS_ERR_MESSAGE_TOO_BIG', 1009);
  });
});

describe('tiny fragments do not pin their read buffers', () => {
  test('4096 fragments, each read into its own 64 KiB buffer, retain about the message size', () => {
    const gc = collector();
    const conn = connection('client');
    const count = 4096;
    const before = retained(gc);
    for (let i = 0; i < count; i++) {
      // A socket read into a large buffer, of which the frame uses 66 bytes.
      const backing = Buffer.allocUnsafeSlow(64 * 1024);
      const frame = serverFrame(i === 0 ? Opcode.Binary : Opcode.Continuation, payloadOf(i), { fin: false });
      frame.copy(backing);
      conn.receiveData(backing.subarray(0, frame.length));
    }
    // The message is still open: everything retained now is what the connection holds for it.
    const held = retained(gc) - before;
    const received = count * FRAGMENT;
    // Pinning the reads would hold 4096 x 64 KiB = 256 MiB.
    assert.ok(held < 4 * received, `retained ${held} bytes for ${received} bytes of payload`);
    conn.receiveData(serverFrame(Opcode.Continuation, ''));
    const [event] = conn.takeEvents();
    assert.ok(event?.type === 'message');
    assert.equal(event.data.length, received);
    assert.ok(event.data.subarray(received - FRAGMENT).equals(payloadOf(count - 1)));
  });
});

describe('small messages share memory', () => {
  test('1000 small messages from one read do not each cost a block of their own', () => {
    const gc = collector();
    const conn = connection('client');
    const wire = Buffer.concat(Array.from({ length: 1000 }, (_, i) => serverFrame(Opcode.Text, `message ${i}`.padEnd(50, '.'))));
    // One socket read holding them all, in a buffer of its own.
    const read = Buffer.allocUnsafeSlow(wire.length);
    wire.copy(read);
    const before = retained(gc);
    conn.receiveData(read);
    const events = conn.takeEvents();
    const held = retained(gc) - before;
    assert.equal(events.length, 1000);
    assert.deepEqual(
      events.slice(0, 3).map((event) => event.type === 'message' && event.data.toString()),
      ['message 0', 'message 1', 'message 2'].map((text) => text.padEnd(50, '.')),
    );
    const payload = 1000 * 50;
    // Every message copied into a fresh 64 KiB block would hold 1000 x 64 KiB = 64 MB. The bound
    // leaves room for the 1000 event and Buffer objects on the heap and for GC noise under load.
    assert.ok(held < 8 * 1024 * 1024, `retained ${held} bytes for ${payload} bytes of messages`);
  });
});
