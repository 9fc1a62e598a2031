import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Fault } from '../../../src/proxy/fault.js';
import { closeAfter } from '../../../src/proxy/faults/close-after.js';
import { resetAfter } from '../../../src/proxy/faults/reset-after.js';
import { stallAfter } from '../../../src/proxy/faults/stall-after.js';
import { continuation, FakeClock, FakeDirection, fakeContext, ping, settle, text } from './fake-relay.js';

/** Both directions of one connection, each with its part of the same -after fault. */
function bothWays(make: () => Fault, clock: FakeClock) {
  const c2s = new FakeDirection([make()], clock, 'client-to-server');
  const s2c = new FakeDirection([make()], clock, 'server-to-client');
  c2s.start();
  s2c.start();
  return { c2s, s2c, calls: () => [...c2s.link.calls.map((c) => `c2s ${c}`), ...s2c.link.calls.map((c) => `s2c ${c}`)] };
}

test('close-after N: messages both ways count together; the Nth is passed on whole, then both legs close with the code', async () => {
  const clock = new FakeClock();
  const context = fakeContext(clock);
  const relay = bothWays(closeAfter({ after: { messages: 3 }, code: 4000, reason: 'bye' }, clock, context.report), clock);
  await relay.c2s.feed([text('1'), ping('p')]);
  await relay.s2c.feed([text('2'), text('3', false)]);
  assert.deepEqual(relay.calls(), []);
  await relay.s2c.push(continuation('!'));
  assert.deepEqual(relay.calls(), ['s2c close 4000 bye']);
  assert.deepEqual(
    relay.s2c.out.map((f) => f.payload.toString()),
    ['2', '3', '!'],
    'the third message reached the far peer before the close',
  );
  await relay.c2s.push(text('4'));
  assert.deepEqual(relay.calls(), ['s2c close 4000 bye'], 'once');
  assert.deepEqual(
    context.reports.map((r) => [r.direction, r.what]),
    [['server-to-client', 'closed both legs with 4000 after 3 messages']],
  );
});

test('close-after with a direction counts only that direction', async () => {
  const clock = new FakeClock();
  const c2s = new FakeDirection([closeAfter({ after: { messages: 2 }, code: 1001, reason: '' }, clock, fakeContext(clock).report)()], clock);
  c2s.start();
  await c2s.feed([text('a')]);
  assert.deepEqual(c2s.link.calls, []);
  await c2s.feed([text('b')]);
  assert.deepEqual(c2s.link.calls, ['close 1001 ']);
});

test('close-after S: closes S after the relay opened, with no traffic at all; close-after 0 closes at once', async () => {
  const clock = new FakeClock();
  const relay = bothWays(closeAfter({ after: { ms: 1500 }, code: 4001, reason: '' }, clock, fakeContext(clock).report), clock);
  await clock.advance(1499);
  assert.deepEqual(relay.calls(), []);
  await clock.advance(1);
  assert.deepEqual(relay.calls(), ['c2s close 4001 '], 'one timer for both directions');

  const now = new FakeClock();
  const atOnce = bothWays(closeAfter({ after: { messages: 0 }, code: 4002, reason: '' }, now, fakeContext(now).report), now);
  assert.deepEqual(atOnce.calls(), ['c2s close 4002 ']);
});

test('close-after S: stop() before the time cancels it', async () => {
  const clock = new FakeClock();
  const relay = bothWays(closeAfter({ after: { ms: 100 }, code: 4001, reason: '' }, clock, fakeContext(clock).report), clock);
  relay.c2s.stop();
  relay.s2c.stop();
  await clock.advance(1000);
  assert.deepEqual(relay.calls(), []);
});

test('reset-after N and S: the link is reset, once, and it is reported', async () => {
  const clock = new FakeClock();
  const context = fakeContext(clock);
  const relay = bothWays(resetAfter({ after: { messages: 2 } }, clock, context.report), clock);
  await relay.c2s.feed([text('a'), text('b'), text('c')]);
  assert.deepEqual(relay.calls(), ['c2s reset']);
  assert.equal(context.reports[0]!.what, 'reset both legs (TCP RST, no closing handshake) after 2 messages');

  const timed = bothWays(resetAfter({ after: { ms: 2000 } }, clock, fakeContext(clock).report), clock);
  await clock.advance(2000);
  assert.deepEqual(timed.calls(), ['c2s reset']);
});

test('stall-after N: both sides stop being read and nothing more is passed on, until the relay stops', async () => {
  const clock = new FakeClock();
  const context = fakeContext(clock);
  const relay = bothWays(stallAfter({ after: { messages: 2 } }, clock, context.report), clock);
  await relay.c2s.feed([text('1'), text('2')]);
  assert.deepEqual(relay.calls(), ['c2s stopReading', 's2c stopReading']);
  let taken = false;
  const held = relay.c2s.push(text('3')).then(() => (taken = true));
  void relay.s2c.push(ping('p'));
  await settle();
  assert.equal(taken, false, 'held: the relay reads no further');
  assert.deepEqual(
    relay.c2s.out.map((f) => f.payload.toString()),
    ['1', '2'],
  );
  assert.equal(relay.s2c.out.length, 0);
  relay.c2s.stop();
  await held;
  assert.equal(relay.c2s.out.length, 2, 'let go, not passed on');
  assert.deepEqual(
    context.reports.map((r) => r.what),
    [
      'stopped reading from the client after 2 messages: nothing more goes client → server',
      'stopped reading from the server after 2 messages: nothing more goes server → client',
    ],
  );
});

test('stall-after S with a direction: only that side stops being read', async () => {
  const clock = new FakeClock();
  const c2s = new FakeDirection([stallAfter({ after: { ms: 500 } }, clock, fakeContext(clock).report)()], clock, 'client-to-server');
  c2s.start();
  await c2s.push(text('before'));
  await clock.advance(500);
  assert.deepEqual(c2s.link.calls, ['stopReading']);
  void c2s.push(text('after'));
  await settle();
  assert.deepEqual(
    c2s.out.map((f) => f.payload.toString()),
    ['before'],
  );
});
