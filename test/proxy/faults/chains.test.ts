import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultPlan, type FaultSettings } from '../../../src/proxy/faults/chains.js';
import { parseFault } from '../../../src/proxy/faults/parse.js';
import { FakeClock, FakeDirection, fakeContext, randoms, shape, text } from './fake-relay.js';

function settings(...flags: Array<[Parameters<typeof parseFault>[0], string]>): FaultSettings {
  return { faults: flags.map(([kind, value]) => parseFault(kind, value)), closeCode: 4000, closeReason: 'r' };
}

const names = (chain: Array<{ name: string }>) => chain.map((fault) => fault.name);

test('chains: each direction gets its faults in the fixed order, whatever order the flags came in', () => {
  const plan = new FaultPlan(
    settings(['stall-after', '9'], ['delay', 's2c:10'], ['refragment', '4'], ['drop-messages', 'c2s:0.5'], ['throttle', '1k'], ['corrupt', '']),
    fakeContext(new FakeClock()),
  );
  const chains = plan.next();
  assert.deepEqual(names(chains.clientToServer), ['drop-messages', 'corrupt', 'refragment', 'throttle', 'stall-after']);
  assert.deepEqual(names(chains.serverToClient), ['corrupt', 'refragment', 'throttle', 'delay', 'stall-after']);
  assert.equal(plan.empty, false);
  assert.equal(new FaultPlan(settings(), fakeContext(new FakeClock())).empty, true);
});

test('chains: @N picks connections by the order they were accepted, @P% draws per connection', () => {
  const plan = new FaultPlan(settings(['refragment', '4@2,4-5']), fakeContext(new FakeClock()));
  assert.deepEqual(
    Array.from({ length: 6 }, () => plan.next().clientToServer.length),
    [0, 1, 0, 1, 1, 0],
  );
  const drawn = new FaultPlan(settings(['refragment', '4@30%']), fakeContext(new FakeClock(), randoms(0.1, 0.5, 0.29, 0.3)));
  assert.deepEqual(
    Array.from({ length: 4 }, () => drawn.next().serverToClient.length),
    [1, 0, 1, 0],
  );
});

test('chains: every connection gets new faults, with state of its own', async () => {
  const clock = new FakeClock();
  const plan = new FaultPlan(settings(['close-after', '1']), fakeContext(clock));
  const first = new FakeDirection(plan.next().clientToServer, clock);
  const second = new FakeDirection(plan.next().clientToServer, clock);
  await first.push(text('a'));
  assert.deepEqual([first.link.calls, second.link.calls], [['close 4000 r'], []]);
});

test('chains: a chain passes frames through its faults in order (refragment, then corrupt sees the pieces)', async () => {
  const clock = new FakeClock();
  const context = fakeContext(clock, randoms(0.9));
  const plan = new FaultPlan(settings(['refragment', '2'], ['drop-messages', '0.5']), context);
  const relay = new FakeDirection(plan.next().clientToServer, clock);
  await relay.push(text('abcde'));
  assert.deepEqual(shape(relay.out), ['1…:ab', '0…:cd', '0:e']);
});

test('chains: the directions where messages may be dropped, whose senders must compress each message on its own', () => {
  const context = fakeContext(new FakeClock());
  assert.deepEqual(new FaultPlan(settings(['drop-messages', 'c2s:0.1@2'], ['delay', 's2c:5']), context).dropsMessages, {
    clientToServer: true,
    serverToClient: false,
  });
  assert.deepEqual(new FaultPlan(settings(['drop-messages', '1%']), context).dropsMessages, { clientToServer: true, serverToClient: true });
  assert.deepEqual(new FaultPlan(settings(['corrupt', '']), context).dropsMessages, { clientToServer: false, serverToClient: false });
});

test('chains: a fault’s report carries its connection’s number, as @N counts it', async () => {
  const clock = new FakeClock();
  const context = fakeContext(clock, randoms(0, 0, 0));
  const plan = new FaultPlan(settings(['drop-messages', '1@2-3']), context);
  plan.next();
  const second = new FakeDirection(plan.next().clientToServer, clock);
  const third = new FakeDirection(plan.next().clientToServer, clock, 'client-to-server');
  await third.push(text('c'));
  await second.push(text('b'));
  assert.deepEqual(
    context.reports.map((r) => [r.connection, r.what]),
    [
      [3, 'dropped a text message (1 byte in 1 frame; 1 dropped so far)'],
      [2, 'dropped a text message (1 byte in 1 frame; 1 dropped so far)'],
    ],
  );
});
