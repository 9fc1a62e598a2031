import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DelayFault } from '../../../src/proxy/faults/delay.js';
import { close, FakeClock, FakeDirection, ping, randoms, settle, shape, text } from './fake-relay.js';

test('delay: a burst arrives MS later all together, not one per MS (latency, not a slow link)', async () => {
  const clock = new FakeClock();
  const relay = new FakeDirection([new DelayFault({ ms: 200, jitter: 0 }, clock, Math.random)], clock);
  await relay.feed([text('a'), ping('p'), text('b'), text('c')]);
  await clock.advance(199);
  assert.equal(relay.out.length, 0, 'nothing before its time');
  await clock.advance(1);
  assert.deepEqual(shape(relay.out), ['1:a', '9:p', '1:b', '1:c']);
  assert.deepEqual(
    relay.out.map((f) => f.at),
    [200, 200, 200, 200],
  );
});

test('delay: each frame waits MS after it came in', async () => {
  const clock = new FakeClock();
  const relay = new FakeDirection([new DelayFault({ ms: 100, jitter: 0 }, clock, Math.random)], clock);
  await relay.push(text('a'));
  await clock.advance(30);
  await relay.push(text('b'));
  await clock.advance(200);
  assert.deepEqual(
    relay.out.map((f) => [f.payload.toString(), f.at]),
    [
      ['a', 100],
      ['b', 130],
    ],
  );
});

test('delay: jitter is drawn per frame within ±JITTER, and a frame never overtakes the one before it', async () => {
  const clock = new FakeClock();
  // random 1 → +50 (250 ms), random 0 → -50 (150 ms, but it waits for the first), random 0.5 → 200
  const relay = new FakeDirection([new DelayFault({ ms: 200, jitter: 50 }, clock, randoms(1, 0, 0.5))], clock);
  await relay.feed([text('1'), text('2')]);
  await clock.advance(100);
  await relay.push(text('3'));
  await clock.advance(1000);
  assert.deepEqual(
    relay.out.map((f) => [f.payload.toString(), f.at]),
    [
      ['1', 250],
      ['2', 250],
      ['3', 300],
    ],
  );
});

test('delay: a Close frame is only settled once it has been passed on', async () => {
  const clock = new FakeClock();
  const relay = new FakeDirection([new DelayFault({ ms: 100, jitter: 0 }, clock, Math.random)], clock);
  await relay.push(text('last'));
  let settled = false;
  const closing = relay.push(close(1000)).then(() => (settled = true));
  await clock.advance(99);
  assert.equal(settled, false);
  await clock.advance(1);
  await closing;
  assert.deepEqual(
    relay.out.map((f) => f.opcode),
    [1, 8],
  );
});

test('delay: after stop, frames still waiting are not passed on', async () => {
  const clock = new FakeClock();
  const fault = new DelayFault({ ms: 100, jitter: 0 }, clock, Math.random);
  const relay = new FakeDirection([fault], clock);
  await relay.push(text('late'));
  fault.stop();
  await clock.advance(200);
  await settle();
  assert.equal(relay.out.length, 0);
});
