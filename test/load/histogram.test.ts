/** The load run's histograms keep values far beyond their initial range, through encoding and merging. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FastRecorder } from '../../src/load/fast-recorder.js';
import { addEncoded, encodeHistogram, newHistogram, summarize } from '../../src/load/histogram.js';

test('a latency of 10 minutes (beyond the initial 60 s range) is kept within 0.1% through encode and merge', () => {
  const one = newHistogram();
  const other = newHistogram();
  for (let i = 0; i < 99; i++) one.recordValue(40_000);
  other.recordValue(600_000_000);
  const merged = summarize(addEncoded([encodeHistogram(one), encodeHistogram(other)]));
  assert.equal(merged.count, 100);
  assert.ok(Math.abs(merged.p50 - 40_000) <= 40, `p50 ${merged.p50} µs`);
  assert.ok(Math.abs(merged.max - 600_000_000) <= 600_000, `max ${merged.max} µs`);
});

test('the fast recorder adds up to exactly the histogram of the same values recorded one by one, twice over', () => {
  const recorder = new FastRecorder();
  for (let round = 0; round < 2; round++) {
    const direct = newHistogram();
    let seed = 7 + round;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      // Mostly below the direct range's 65 536 µs, some far beyond it, and its edges.
      const value = i % 97 === 0 ? 65_536 + (seed % 5_000_000) : i % 89 === 0 ? 65_535 : seed % 70_000;
      direct.recordValue(value);
      recorder.recordValue(value);
    }
    assert.equal(recorder.totalCount, 20_000);
    const drained = newHistogram();
    recorder.drainInto(drained);
    assert.equal(recorder.totalCount, 0);
    assert.equal(encodeHistogram(drained), encodeHistogram(direct), `round ${round}`);
    assert.deepEqual(summarize(drained), summarize(direct));
  }
});
