import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DropMessagesFault } from '../../../src/proxy/faults/drop-messages.js';
import { binary, continuation, FakeClock, FakeDirection, fakeContext, ping, randoms, shape, text } from './fake-relay.js';

test('drop-messages: a message drawn below P is lost whole, all its frames; pings in it pass; each drop is reported', async () => {
  const clock = new FakeClock();
  const context = fakeContext(clock);
  // draws: keep (0.9), drop (0.1), keep (0.6), drop (0.2)
  const relay = new FakeDirection([new DropMessagesFault({ probability: 0.5 }, randoms(0.9, 0.1, 0.6, 0.2), context.report)], clock);
  await relay.feed([text('one'), text('tw', false), ping('p'), continuation('o', false), continuation('!'), binary('three'), binary('4')]);
  assert.deepEqual(shape(relay.out), ['1:one', '9:p', '2:three']);
  assert.deepEqual(
    context.reports.map((r) => [r.direction, r.fault, r.what]),
    [
      ['client-to-server', 'drop-messages', 'dropped a text message (4 bytes in 3 frames; 1 dropped so far)'],
      ['client-to-server', 'drop-messages', 'dropped a binary message (1 byte in 1 frame; 2 dropped so far)'],
    ],
  );
});

test('drop-messages: a message cut short by the end of the connection is reported too', async () => {
  const clock = new FakeClock();
  const context = fakeContext(clock);
  const fault = new DropMessagesFault({ probability: 1 }, randoms(0), context.report);
  const relay = new FakeDirection([fault], clock);
  await relay.feed([text('half', false)]);
  assert.equal(context.reports.length, 0);
  fault.stop();
  assert.deepEqual(
    context.reports.map((r) => r.what),
    ['dropped a text message (4 bytes in 1 frame, its end never came; 1 dropped so far)'],
  );
});

test('drop-messages: P 0 drops nothing, P 1 everything', async () => {
  const clock = new FakeClock();
  for (const [probability, expected] of [
    [0, 3],
    [1, 0],
  ] as const) {
    const relay = new FakeDirection([new DropMessagesFault({ probability }, Math.random, () => {})], clock);
    await relay.feed([text('a'), text('b'), text('c')]);
    assert.equal(relay.out.length, expected);
  }
});
