import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FaultKind, FaultSpecError, parseCloseCode, parseCloseReason, parseFault } from '../../../src/proxy/faults/parse.js';

/** The fault's own value, without where it is placed. */
function faultValue(kind: FaultKind, text: string): unknown {
  const { text: _, directions, connections, kind: __, ...value } = parseFault(kind, text);
  return Object.values(value)[0];
}

const C2S = ['client-to-server'];
const S2C = ['server-to-client'];
const BOTH = ['client-to-server', 'server-to-client'];

test('parse: [dir:]value[@conn] for every fault', () => {
  assert.deepEqual(parseFault('delay', '200'), { text: '200', directions: BOTH, connections: { kind: 'all' }, kind: 'delay', delay: { ms: 200, jitter: 0 } });
  assert.deepEqual(faultValue('delay', '200±50'), { ms: 200, jitter: 50 });
  assert.deepEqual(faultValue('delay', '200+-50'), { ms: 200, jitter: 50 });
  assert.deepEqual(faultValue('delay', '200ms ± 50ms'), { ms: 200, jitter: 50 });
  assert.deepEqual(faultValue('delay', '0.5'), { ms: 0.5, jitter: 0 });
  const placed = parseFault('delay', 's2c:300@2');
  assert.deepEqual([placed.directions, placed.connections], [S2C, { kind: 'numbers', ranges: [[2, 2]] }]);
  assert.deepEqual(parseFault('delay', 'up:1').directions, C2S);
  assert.deepEqual(parseFault('delay', 'down:1').directions, S2C);
  assert.deepEqual(parseFault('delay', 'both:1').directions, BOTH);
  assert.deepEqual(parseFault('delay', '1@1,3-5').connections, {
    kind: 'numbers',
    ranges: [
      [1, 1],
      [3, 5],
    ],
  });
  assert.deepEqual(parseFault('delay', '1@25%').connections, { kind: 'probability', probability: 0.25 });

  assert.deepEqual(faultValue('throttle', '2000'), { bytesPerSecond: 2000 });
  assert.deepEqual(faultValue('throttle', '64k'), { bytesPerSecond: 64000 });
  assert.deepEqual(faultValue('throttle', '1.5MB/s'), { bytesPerSecond: 1_500_000 });
  assert.deepEqual(faultValue('refragment', 'c2s:16'), { size: 16 });
  assert.deepEqual(faultValue('drop-messages', '0.1'), { probability: 0.1 });
  assert.deepEqual(faultValue('drop-messages', '10%'), { probability: 0.1 });
  assert.deepEqual(faultValue('corrupt', ''), { probability: 1 });
  assert.deepEqual(faultValue('corrupt', '50%'), { probability: 0.5 });
  const corrupt = parseFault('corrupt', 'c2s');
  assert.deepEqual([corrupt.directions, faultValue('corrupt', 'c2s')], [C2S, { probability: 1 }]);
  assert.deepEqual(parseFault('corrupt', '@2').connections, { kind: 'numbers', ranges: [[2, 2]] });
  assert.deepEqual(faultValue('close-after', '5'), { messages: 5 });
  assert.deepEqual(faultValue('close-after', '0'), { messages: 0 });
  assert.deepEqual(faultValue('reset-after', '2s'), { ms: 2000 });
  assert.deepEqual(faultValue('stall-after', 's2c:1.5s'), { ms: 1500 });
  assert.deepEqual(faultValue('stall-after', '500ms'), { ms: 500 });
});

test('parse: a bad value is one line naming the flag, the value and what was expected', () => {
  const cases: Array<[Parameters<typeof parseFault>[0], string, RegExp]> = [
    ['delay', 'abc', /^--delay 'abc': expected MS\[±JITTER\] in milliseconds/],
    ['delay', '-5', /^--delay '-5': expected/],
    ['delay', '900000', /^--delay '900000': at most 600000 ms/],
    ['delay', 'sideways:5', /^--delay 'sideways:5': unknown direction 'sideways': expected c2s \(or up\), s2c \(or down\), or both$/],
    ['delay', '5@0', /^--delay '5@0': after @, expected connection numbers/],
    ['delay', '5@3-1', /after @/],
    ['delay', '5@150%', /after @/],
    ['throttle', '0', /^--throttle '0': at least 1 byte per second$/],
    ['throttle', 'fast', /^--throttle 'fast': expected bytes per second/],
    ['refragment', '0', /^--refragment '0': expected a frame payload size in bytes from 1/],
    ['refragment', '1.5', /expected a frame payload size/],
    ['drop-messages', '2', /^--drop-messages '2': expected a probability from 0 to 1, or a percentage/],
    ['drop-messages', '', /expected a probability/],
    ['corrupt', 'often', /^--corrupt 'often': expected nothing \(every message\), or a probability/],
    ['close-after', '5x', /^--close-after '5x': expected a number of messages \(e.g. 5\) or a time/],
    ['reset-after', '-1', /expected a number of messages/],
    ['stall-after', '11m', /expected a number of messages/],
  ];
  for (const [kind, text, message] of cases) {
    assert.throws(
      () => parseFault(kind, text),
      (error: unknown) => error instanceof FaultSpecError && message.test(error.message) && !error.message.includes('\n'),
      `${kind} ${text}`,
    );
  }
});

test('parse: close codes a Close frame may carry, and reasons that fit in one', () => {
  assert.equal(parseCloseCode('4000'), 4000);
  assert.equal(parseCloseCode('1000'), 1000);
  for (const bad of ['1005', '1006', '999', '5000', 'x', '']) assert.throws(() => parseCloseCode(bad), FaultSpecError, bad);
  assert.equal(parseCloseReason('é'.repeat(61)), 'é'.repeat(61));
  assert.throws(() => parseCloseReason('é'.repeat(62)), /at most 123 bytes of UTF-8.*got 124/);
});
