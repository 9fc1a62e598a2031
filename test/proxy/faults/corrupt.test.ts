import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constants, createDeflateRaw, createInflateRaw } from 'node:zlib';
import { CorruptFault } from '../../../src/proxy/faults/corrupt.js';
import { binary, continuation, FakeClock, FakeDirection, fakeContext, frame, ping, randoms, text } from './fake-relay.js';

const fatal = new TextDecoder('utf-8', { fatal: true });
const isUtf8 = (bytes: Buffer) => {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

test('corrupt: flipping any one byte of any valid text leaves it invalid UTF-8 (the far peer must close 1007)', async () => {
  for (const sample of ['a', 'hello', 'é', 'naïve café', '€100', '𝄞 clef', '✓✓', '\u0000\u007f', 'ab𝄞cd€']) {
    const bytes = Buffer.from(sample);
    for (let at = 0; at < bytes.length; at++) {
      const clock = new FakeClock();
      const context = fakeContext(clock);
      // The first draw decides the message is corrupted, the second picks the byte.
      const relay = new FakeDirection([new CorruptFault({ probability: 1 }, randoms(0, at / bytes.length), context.report)], clock);
      await relay.push(text(bytes));
      const out = relay.out[0]!.payload;
      assert.equal(out.length, bytes.length);
      assert.equal(isUtf8(out), false, `${JSON.stringify(sample)} with byte ${at} flipped is still UTF-8: ${out.toString('hex')}`);
      assert.equal(Buffer.compare(out.subarray(0, at), bytes.subarray(0, at)) === 0 && out[at] === (bytes[at]! ^ 0xff), true);
      assert.match(context.reports[0]!.what, new RegExp(`^flipped byte ${at} of a text message \\(0x[0-9a-f]{2} → 0x[0-9a-f]{2}\\)$`));
    }
  }
});

test('corrupt: a binary message gets one byte flipped, and the relay’s own buffer is not touched', async () => {
  const clock = new FakeClock();
  const context = fakeContext(clock);
  const relay = new FakeDirection([new CorruptFault({ probability: 1 }, randoms(0, 0.5), context.report)], clock);
  const original = Buffer.from([0, 1, 2, 3]);
  await relay.push(binary(original));
  assert.deepEqual([...relay.out[0]!.payload], [0, 1, 0xfd, 3]);
  assert.deepEqual([...original], [0, 1, 2, 3]);
  assert.equal(context.reports[0]!.what, 'flipped byte 2 of a binary message (0x02 → 0xfd)');
});

test('corrupt: one byte per message, in its first frame with payload; control frames pass untouched', async () => {
  const clock = new FakeClock();
  const context = fakeContext(clock);
  const relay = new FakeDirection([new CorruptFault({ probability: 1 }, randoms(0, 0, 0, 0), context.report)], clock);
  await relay.feed([text('', false), ping('p'), continuation('ab', false), continuation('cd'), text('x')]);
  assert.deepEqual(
    relay.out.map((f) => f.payload.toString('hex')),
    ['', '70', '9e62', '6364', '87'],
  );
  assert.equal(context.reports.length, 2);
});

test('corrupt: with P, messages drawn at or above it pass unchanged', async () => {
  const clock = new FakeClock();
  const relay = new FakeDirection([new CorruptFault({ probability: 0.3 }, randoms(0.3, 0.9, 0.29, 0), () => {})], clock);
  await relay.feed([text('a'), text('b'), text('c')]);
  assert.deepEqual(
    relay.out.map((f) => f.payload.toString('hex')),
    ['61', '62', '9c'],
  );
});

/** Messages compressed as a permessage-deflate sender does (RFC 7692 §7.2.1): one context, sync flush, tail removed. */
async function compressMessages(messages: string[]): Promise<Buffer[]> {
  const deflate = createDeflateRaw();
  const out: Buffer[] = [];
  for (const message of messages) {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    deflate.on('data', onData);
    deflate.write(message);
    await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    deflate.off('data', onData);
    const all = Buffer.concat(chunks);
    out.push(all.subarray(0, all.length - 4));
  }
  deflate.close();
  return out;
}

/** Inflate messages in one context as the receiver does; the error of the first that fails. */
async function inflateMessages(payloads: Buffer[]): Promise<{ texts: string[]; error?: Error }> {
  const inflate = createInflateRaw();
  const texts: string[] = [];
  try {
    for (const payload of payloads) {
      const chunks: Buffer[] = [];
      const onData = (chunk: Buffer) => chunks.push(chunk);
      inflate.on('data', onData);
      await new Promise<void>((resolve, reject) => {
        inflate.once('error', reject);
        inflate.write(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]));
        inflate.flush(constants.Z_SYNC_FLUSH, () => resolve());
      });
      inflate.off('data', onData);
      texts.push(Buffer.concat(chunks).toString());
    }
    return { texts };
  } catch (error) {
    return { texts, error: error as Error };
  } finally {
    inflate.close();
  }
}

test('corrupt: a compressed message gets a reserved deflate block type, so inflating it fails, also with context takeover', async () => {
  const messages = ['first message, plain', 'second message, plain', 'second message, plain again'];
  const payloads = await compressMessages(messages);
  assert.deepEqual((await inflateMessages(payloads)).texts, messages, 'the test compresses as a peer would');
  const clock = new FakeClock();
  const context = fakeContext(clock);
  // Only the second message is corrupted.
  const relay = new FakeDirection([new CorruptFault({ probability: 0.5 }, randoms(0.9, 0, 0.9), context.report)], clock);
  await relay.feed(payloads.map((payload) => frame(1, payload, true, true)));
  const inflated = await inflateMessages(relay.out.map((f) => f.payload));
  assert.deepEqual(inflated.texts, [messages[0]]);
  assert.match(String(inflated.error), /invalid block type/);
  assert.match(context.reports[0]!.what, /^gave a compressed text message a reserved deflate block type \(byte 0: 0x[0-9a-f]{2} → 0x[0-9a-f]{2}\)$/);
});
