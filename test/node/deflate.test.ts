/** permessage-deflate's compression with node:zlib: the RFC 7692 §7.2.3 bytes, bombs, corrupt data, order, the limiter. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, inflateRawSync } from 'node:zlib';
import { compressZeros } from './helpers.js';
import { randomBytes } from 'node:crypto';
import { Connection, Opcode, ProtocolError, type ConnectionEvent } from '../../src/protocol/index.js';
import type { DeflateParams } from '../../src/protocol/extensions/permessage-deflate.js';
import { PerMessageDeflate, ZlibLimiter } from '../../src/node/deflate.js';
import type { DeflateTuning } from '../../src/node/socket-types.js';
import { InOrder } from '../../src/node/deflate-session.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const TAKEOVER: DeflateParams = { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 };
const NO_TAKEOVER: DeflateParams = { ...TAKEOVER, serverNoContextTakeover: true, clientNoContextTakeover: true };
const MiB = 1024 * 1024;

function server(params: DeflateParams = TAKEOVER, tuning?: DeflateTuning): PerMessageDeflate {
  return new PerMessageDeflate(params, 'server', tuning);
}

function client(params: DeflateParams = TAKEOVER, tuning?: DeflateTuning): PerMessageDeflate {
  return new PerMessageDeflate(params, 'client', tuning);
}

/** Rejects with a ProtocolError carrying exactly this code and close code. */
async function assertProtocolError(promise: Promise<unknown>, code: string, closeCode: number, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.closeCode, closeCode);
    assert.match(error.message, message);
    return true;
  });
}

function messages(events: ConnectionEvent[]) {
  return events.filter((event) => event.type === 'message');
}

describe('RFC 7692 §7.2.3 examples', () => {
  test('§7.2.3.1: "Hello" compressed is c1 07 f2 48 cd c9 c9 07 00 as a frame', async () => {
    const payload = await server().compress('Hello');
    assert.deepEqual(payload, hex('f2 48 cd c9 c9 07 00'));
    const connection = new Connection({ role: 'server', allowRsv1: true });
    connection.sendDataFrame(Opcode.Text, payload, true, true);
    assert.deepEqual(Buffer.concat(connection.takeOutgoing()), hex('c1 07 f2 48 cd c9 c9 07 00'));
  });

  test('§7.2.3.1: the frame, whole or fragmented, reads back as "Hello"', async () => {
    for (const wire of ['c1 07 f2 48 cd c9 c9 07 00', '41 03 f2 48 cd 80 04 c9 c9 07 00']) {
      const connection = new Connection({ role: 'client', allowRsv1: true });
      connection.receiveData(hex(wire));
      const [message] = messages(connection.takeEvents());
      assert.ok(message?.type === 'message' && message.compressed && !message.binary);
      assert.equal((await client().decompress(message.data, 1024)).toString(), 'Hello');
    }
  });

  test('§7.2.3.2: with context takeover the second "Hello" is f2 00 11 00 00', async () => {
    const sender = server();
    assert.deepEqual(await sender.compress('Hello'), hex('f2 48 cd c9 c9 07 00'));
    assert.deepEqual(await sender.compress('Hello'), hex('f2 00 11 00 00'));
    const receiver = client();
    assert.equal((await receiver.decompress(hex('f2 48 cd c9 c9 07 00'), 1024)).toString(), 'Hello');
    assert.equal((await receiver.decompress(hex('f2 00 11 00 00'), 1024)).toString(), 'Hello');
  });

  test('§7.2.3.2: without context takeover both payloads are the same, and a back-reference fails', async () => {
    const sender = server({ ...TAKEOVER, serverNoContextTakeover: true });
    assert.deepEqual(await sender.compress('Hello'), hex('f2 48 cd c9 c9 07 00'));
    assert.deepEqual(await sender.compress('Hello'), hex('f2 48 cd c9 c9 07 00'));
    // The client inflates each of the server's messages with an empty window.
    const receiver = client({ ...TAKEOVER, serverNoContextTakeover: true });
    assert.equal((await receiver.decompress(hex('f2 48 cd c9 c9 07 00'), 1024)).toString(), 'Hello');
    await assertProtocolError(receiver.decompress(hex('f2 00 11 00 00'), 1024), 'WS_ERR_INVALID_COMPRESSED_DATA', 1007, /invalid distance too far back/);
  });

  test('§7.2.3.3: a DEFLATE block with no compression', async () => {
    assert.equal((await client().decompress(hex('00 05 00 fa ff 48 65 6c 6c 6f 00'), 1024)).toString(), 'Hello');
  });

  test('§7.2.3.4: a block with BFINAL set ends the stream; the next message starts a new one', async () => {
    const receiver = client();
    const first = receiver.decompress(hex('f3 48 cd c9 c9 07 00 00'), 1024);
    const second = receiver.decompress(hex('f2 48 cd c9 c9 07 00'), 1024);
    assert.equal((await first).toString(), 'Hello');
    assert.equal((await second).toString(), 'Hello');
  });

  test('§7.2.3.5: two DEFLATE blocks in one message', async () => {
    assert.equal((await client().decompress(hex('f2 48 05 00 00 00 ff ff ca c9 c9 07 00'), 1024)).toString(), 'Hello');
  });

  test('an empty message round-trips', async () => {
    const payload = await server().compress('');
    assert.deepEqual(payload, hex('00'));
    assert.equal((await client().decompress(payload, 0)).length, 0);
  });

  test('§7.2.3.6: an empty message after others is 00, and what follows still reads back', async () => {
    const sender = server();
    const receiver = client();
    for (const text of ['Hello', '', '', 'Hello', '']) {
      const payload = await sender.compress(text);
      if (text === '') assert.deepEqual(payload, hex('00'));
      assert.equal((await receiver.decompress(payload, 1024)).toString(), text);
    }
  });
});

describe('window bits', () => {
  test('window bits 8: node:zlib compresses with 9, and the output still reads with a 256-byte window', async () => {
    const params: DeflateParams = { ...TAKEOVER, serverMaxWindowBits: 8 };
    const sender = server(params);
    // Repeats at distances of 200 to 600 bytes: a 512-byte window could reach some of them.
    const block = randomBytes(200);
    const pieces: Buffer[] = [];
    for (let i = 0; i < 300; i++) pieces.push(i % 2 ? block : randomBytes(1 + (i % 400)));
    const message = Buffer.concat(pieces);
    const payload = await sender.compress(message);
    assert.ok(payload.length < message.length);
    const strict = inflateRawSync(Buffer.concat([payload, hex('00 00 ff ff')]), { windowBits: 8, finishFlush: constants.Z_SYNC_FLUSH });
    assert.deepEqual(strict, message);
    assert.deepEqual(await client(params).decompress(payload, message.length), message);
  });

  test('a peer that reaches back beyond the window it promised fails with 1007', async () => {
    // A 32 KiB-window sender whose second message refers 3000 bytes back, into the first.
    const block = randomBytes(1000);
    const wide = server();
    const first = await wide.compress(Buffer.concat([block, randomBytes(2000)]));
    const second = await wide.compress(block);
    assert.ok(second.length < 100, 'the second message is a back-reference');
    const receiver = client({ ...TAKEOVER, serverMaxWindowBits: 9 });
    assert.equal((await receiver.decompress(first, MiB)).length, 3000);
    await assertProtocolError(receiver.decompress(second, MiB), 'WS_ERR_INVALID_COMPRESSED_DATA', 1007, /invalid distance too far back/);
  });
});

describe('limits and corrupt data', () => {
  test('a payload that inflates to 1 GiB is stopped at the limit with 1009, memory bounded', async () => {
    const bomb = await compressZeros(1024 * MiB);
    assert.ok(bomb.length < 1.1 * MiB, `the bomb is ${bomb.length} bytes`);
    const limit = 8 * MiB;
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 1);
    try {
      await assertProtocolError(client().decompress(bomb, limit), 'WS_ERR_MESSAGE_TOO_BIG', 1009, /over the 8388608-byte limit once inflated/);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const growth = (peak - before) / MiB;
    assert.ok(growth < 64, `RSS grew by ${growth.toFixed(1)} MiB while inflating`);
  });

  test('exactly at the limit passes, one byte over fails', async () => {
    const data = Buffer.alloc(10_000, 'a');
    const payload = await server().compress(data);
    assert.equal((await client().decompress(payload, 10_000)).length, 10_000);
    await assertProtocolError(client().decompress(payload, 9_999), 'WS_ERR_MESSAGE_TOO_BIG', 1009, /over the 9999-byte limit/);
  });

  for (const [name, bytes, reason] of [
    ['reserved block type 3', 'ff ff ff', /invalid block type/],
    ['stored block with a bad length check', '00 05 00 00 00 48 65 6c 6c 6f', /invalid stored block lengths/],
    ['a back-reference into an empty window', 'f2 00 11 00 00', /invalid distance too far back/],
  ] as const) {
    test(`corrupt data fails with 1007: ${name}`, async () => {
      await assertProtocolError(client().decompress(hex(bytes), 1024), 'WS_ERR_INVALID_COMPRESSED_DATA', 1007, reason);
    });
  }

  test('the threshold: below it messages go uncompressed', () => {
    const deflate = server();
    assert.equal(deflate.threshold, 1024);
    assert.equal(deflate.shouldCompress(1023), false);
    assert.equal(deflate.shouldCompress(1024), true);
    assert.equal(server(TAKEOVER, { threshold: 0 }).shouldCompress(0), true);
  });

  test('close() rejects the calls still waiting and frees the streams', async () => {
    const deflate = server();
    const pending = [deflate.compress(randomBytes(64 * 1024)), deflate.compress('x'), deflate.decompress(hex('f2 48 cd c9 c9 07 00'), 1024)];
    deflate.close();
    const results = await Promise.allSettled(pending);
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      assert.equal((result.reason as { code?: string }).code, 'WS_ERR_DEFLATE_CLOSED');
    }
  });
});

describe('order', () => {
  for (const params of [TAKEOVER, NO_TAKEOVER]) {
    const label = params === TAKEOVER ? 'with' : 'without';
    test(`many concurrent compress and decompress calls keep their order (${label} context takeover)`, async () => {
      const sender = server(params);
      const receiver = client(params);
      const inputs = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? randomBytes(i * 7) : Buffer.from(`message ${i} `.repeat(i))));
      const payloads = await Promise.all(inputs.map((input) => sender.compress(input)));
      const outputs = await Promise.all(payloads.map((payload) => receiver.decompress(payload, 1 * MiB)));
      assert.deepEqual(outputs, inputs);
    });
  }

  test('InOrder runs ready steps at once and keeps queued ones in order, whichever finishes first', async () => {
    const order = new InOrder();
    const seen: string[] = [];
    order.run(() => seen.push('a'));
    assert.deepEqual(seen, ['a'], 'nothing waiting: synchronous');
    let releaseSlow!: (value: string) => void;
    order.await(new Promise<string>((resolve) => (releaseSlow = resolve)), (error, value) => seen.push(`${String(error)}:${value}`));
    order.run(() => seen.push('b'));
    order.await(Promise.reject(new Error('boom')), (error) => seen.push((error as Error).message));
    order.await(Promise.resolve('fast'), (_, value) => seen.push(value!));
    order.run(() => seen.push('c'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, ['a'], 'everything waits behind the slow step');
    releaseSlow('slow');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, ['a', 'undefined:slow', 'b', 'boom', 'fast', 'c']);
    assert.equal(order.idle, true);
  });
});

describe('the process-wide limiter', () => {
  test('10 000 connections compressing at once: at most `concurrency` zlib calls in flight, memory bounded', async () => {
    const limiter = new PeakLimiter(10);
    const message = randomBytes(16 * 1024);
    const before = process.memoryUsage().rss;
    const connections = Array.from({ length: 10_000 }, () => server(NO_TAKEOVER, { limiter }));
    const payloads = await Promise.all(connections.map((connection) => connection.compress(message)));
    const growth = (process.memoryUsage().rss - before) / MiB;
    assert.equal(limiter.peak, 10);
    assert.equal(limiter.active, 0);
    assert.equal(payloads.length, 10_000);
    assert.deepEqual(await client(NO_TAKEOVER).decompress(payloads[9_999]!, message.length), message);
    // Unlimited, 10 000 compressors of ~256 KiB each would be alive at once: over 2.5 GiB.
    assert.ok(growth < 512, `RSS grew by ${growth.toFixed(0)} MiB`);
  });

  test('jobs start in the order they were queued', async () => {
    const limiter = new ZlibLimiter(1);
    const started: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => limiter.run(async () => void started.push(n))));
    assert.deepEqual(started, [1, 2, 3, 4]);
  });
});

class PeakLimiter extends ZlibLimiter {
  peak = 0;

  override run<T>(job: () => Promise<T>): Promise<T> {
    return super.run(() => {
      this.peak = Math.max(this.peak, this.active);
      return job();
    });
  }
}
