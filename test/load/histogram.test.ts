/** The load run's histograms keep values far beyond their initial range, through encoding and merging. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
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
