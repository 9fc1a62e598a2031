import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { faultFlags } from '../../src/cli/flags.js';
import { UsageError } from '../../src/cli/usage-error.js';

function read(...args: string[]) {
  const command = new Command('proxy').exitOverride();
  faultFlags.add(command);
  command.parse(args, { from: 'user' });
  return faultFlags.read(command.opts());
}

test('faultFlags: every flag repeats, --corrupt takes no value or one, and the close code has its default', () => {
  const settings = read('--delay', 'c2s:100', '--delay', 's2c:200±20@2', '--corrupt', '--corrupt', 's2c:0.5', '--stall-after', '3', '--corrupt');
  assert.deepEqual(
    settings.faults.map((spec) => [spec.kind, spec.text, spec.directions.length]),
    [
      ['delay', 'c2s:100', 1],
      ['delay', 's2c:200±20@2', 1],
      ['corrupt', '', 2],
      ['corrupt', 's2c:0.5', 1],
      ['corrupt', '', 2],
      ['stall-after', '3', 2],
    ],
  );
  assert.deepEqual([settings.closeCode, settings.closeReason], [1001, '']);
  const closing = read('--close-after', '2s', '--close-code', '4000', '--close-reason', 'maintenance');
  assert.deepEqual([closing.closeCode, closing.closeReason], [4000, 'maintenance']);
  assert.deepEqual(read().faults, []);
});

test('faultFlags: a bad value is a UsageError of one line', () => {
  for (const args of [
    ['--throttle', 'slow'],
    ['--close-after', '1', '--close-code', '1005'],
    ['--close-reason', 'x'],
    ['--drop-messages', '1.5'],
  ]) {
    assert.throws(
      () => read(...args),
      (error: unknown) => error instanceof UsageError && !error.message.includes('\n'),
      args.join(' '),
    );
  }
});
