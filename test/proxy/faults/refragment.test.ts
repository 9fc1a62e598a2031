import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RelayedFrame } from '../../../src/proxy/fault.js';
import { RefragmentFault } from '../../../src/proxy/faults/refragment.js';
import { binary, close, continuation, FakeClock, FakeDirection, frame, ping, shape, text } from './fake-relay.js';

async function refragment(size: number, frames: RelayedFrame[]): Promise<RelayedFrame[]> {
  const relay = new FakeDirection([new RefragmentFault({ size })], new FakeClock());
  await relay.feed(frames);
  return relay.out;
}

test('refragment: one frame becomes N-byte frames, the first with the opcode, continuations after, FIN on the last', async () => {
  assert.deepEqual(shape(await refragment(4, [text('abcdefghij')])), ['1…:abcd', '0…:efgh', '0:ij']);
  assert.deepEqual(shape(await refragment(3, [binary('abcdef')])), ['2…:abc', '0:def'], 'an exact multiple: no empty frame at the end');
  assert.deepEqual(shape(await refragment(16, [text('short')])), ['1:short'], 'a message shorter than N stays one frame');
  assert.deepEqual(shape(await refragment(4, [text('')])), ['1:'], 'an empty message stays one empty frame');
});

test('refragment: a message that came fragmented is cut at N bytes whatever its frames were', async () => {
  assert.deepEqual(shape(await refragment(4, [text('abc', false), continuation('defgh', false), continuation('ij')])), ['1…:abcd', '0…:efgh', '0:ij']);
  assert.deepEqual(shape(await refragment(4, [text('abcd', false), continuation('efgh', false), continuation('')])), ['1…:abcd', '0:efgh']);
  assert.deepEqual(shape(await refragment(4, [text('', false), continuation('', false), continuation('')])), ['1:']);
});

test('refragment: control frames pass at once, between the new frames (RFC 6455 §5.4), never cut', async () => {
  const out = await refragment(2, [text('abc', false), ping('12345'), continuation('de'), close(1000)]);
  assert.deepEqual(shape(out), ['1…:ab', '9:12345', '0…:cd', '0:e', `8:${close(1000).payload.toString('latin1')}`]);
});

test('refragment: a compressed message keeps RSV1 on its first frame only (RFC 7692 §6.1)', async () => {
  const out = await refragment(3, [frame(1, 'zzzzzzz', false, true), continuation('yy')]);
  assert.deepEqual(shape(out), ['1…*:zzz', '0…:zzz', '0:zyy']);
});

test('refragment: any message cut into any frames comes out as the same bytes in N-byte frames', async () => {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 200; round++) {
    const size = 1 + next(9);
    const message = Buffer.from(Array.from({ length: next(40) }, () => 97 + next(26)));
    const frames: RelayedFrame[] = [];
    for (let at = 0; at < message.length || frames.length === 0; ) {
      const take = Math.min(message.length - at, next(12));
      const end = at + take >= message.length && next(3) > 0;
      frames.push(frame(frames.length === 0 ? 2 : 0, message.subarray(at, at + take), end));
      at += take;
      if (end) break;
    }
    if (!frames.at(-1)!.fin) frames.push(continuation(''));
    const out = await refragment(size, frames);
    assert.deepEqual(Buffer.concat(out.map((f) => f.payload)), message);
    assert.deepEqual(
      out.map((f) => f.opcode),
      out.map((_, i) => (i === 0 ? 2 : 0)),
    );
    assert.deepEqual(
      out.map((f) => f.fin),
      out.map((_, i) => i === out.length - 1),
    );
    for (const f of out.slice(0, -1)) assert.equal(f.payload.length, size);
    assert.ok(out.at(-1)!.payload.length <= size && (out.at(-1)!.payload.length > 0 || message.length === 0));
  }
});

test('refragment: what the relay noted on a message’s frames (a symbol property) stays on the new ones', async () => {
  const noted = Symbol('noted');
  const first = Object.assign(frame(1, 'abcdef', false, true), { [noted]: 'inflated' });
  const out = (await refragment(2, [first, continuation('gh')])) as Array<{ [noted]?: string }>;
  assert.deepEqual(
    out.map((f) => f[noted]),
    ['inflated', 'inflated', undefined, undefined],
    'ef was held until gh came: it leaves in the frame made from gh',
  );
});
