import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThrottleFault } from '../../../src/proxy/faults/throttle.js';
import { FakeClock, FakeDirection, ping, text } from './fake-relay.js';

test('throttle: each frame takes its size / rate, after the frames ahead of it', async () => {
  const clock = new FakeClock();
  const relay = new FakeDirection([new ThrottleFault({ bytesPerSecond: 10_000 }, clock)], clock);
  const fed = relay.feed([text('x'.repeat(1000)), text('y'.repeat(500)), ping(''), text('z'.repeat(2000))]);
  await clock.advance(1000);
  await fed;
  assert.deepEqual(
    relay.out.map((f) => [f.opcode, f.at]),
    [
      [1, 100],
      [1, 150],
      [9, 150],
      [1, 350],
    ],
  );
});

test('throttle: frame() waits its turn, so the relay reads no further meanwhile (backpressure)', async () => {
  const clock = new FakeClock();
  const relay = new FakeDirection([new ThrottleFault({ bytesPerSecond: 1000 }, clock)], clock);
  let taken = false;
  const pushed = relay.push(text('x'.repeat(100))).then(() => (taken = true));
  await clock.advance(99);
  assert.equal(taken, false);
  await clock.advance(1);
  await pushed;
  assert.equal(relay.out.length, 1);
});

test('throttle: time the link stood idle is not saved up for a burst', async () => {
  const clock = new FakeClock();
  const relay = new FakeDirection([new ThrottleFault({ bytesPerSecond: 1000 }, clock)], clock);
  const first = relay.push(text('a'.repeat(100)));
  await clock.advance(5000);
  await first;
  const burst = relay.feed([text('b'.repeat(100)), text('c'.repeat(100))]);
  await clock.advance(1000);
  await burst;
  assert.deepEqual(
    relay.out.map((f) => f.at),
    [100, 5100, 5200],
  );
});
