/** `wscope load` run as a user runs it (the CLI in a process), its --json result read back. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHistogram, type LoadResult } from '../../src/load/index.js';
import { afterEach } from 'node:test';
import { type CliResult, killAll, runCli, tempDir } from '../cli/helpers.js';
import type { TestServer } from './peers.js';

export interface LoadCliRun extends CliResult {
  result: LoadResult;
  file: string;
}

const dir = tempDir();

export function removeResults(): void {
  dir.remove();
}

let runs = 0;

/** Run `wscope load ARGS --json FILE`; the result is read back (the run must have written it). */
export async function loadCli(args: string[], timeoutMs = 30_000): Promise<LoadCliRun> {
  const file = join(dir.path, `run-${++runs}.json`);
  const run = await runCli(['load', ...args, '--json', file], undefined, { timeoutMs });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no result was written (exit ${run.code}); stderr: ${run.stderr}`);
  }
  return { ...run, result: JSON.parse(text) as LoadResult, file };
}

/** What every result must satisfy, whatever the server did. */
export function assertCountsAddUp(result: LoadResult): void {
  const m = result.totals.messages;
  assert.equal(m.sent, m.matched + m.unmatched + m.timedOut, `sent = matched + unmatched + timed out (${JSON.stringify(m)})`);
  assert.equal(m.received, m.matched + m.unsolicited, `received = matched + unsolicited (${JSON.stringify(m)})`);
  const c = result.totals.connections;
  assert.equal(c.attempted, c.opened + c.failed + c.abandoned, `attempted = opened + failed + abandoned (${JSON.stringify(c)})`);
  // The series and the histograms tell the same story as the totals.
  const sum = (pick: (s: LoadResult['series'][number]) => number) => result.series.reduce((total, sample) => total + pick(sample), 0);
  assert.equal(
    sum((s) => s.sent),
    m.sent,
    'the seconds add up to the messages sent',
  );
  assert.equal(
    sum((s) => s.matched),
    m.matched,
    'the seconds add up to the messages matched',
  );
  assert.equal(
    sum((s) => s.timedOut),
    m.timedOut,
    'the seconds add up to the timeouts',
  );
  assert.equal(decodeHistogram(result.histograms.latency).totalCount, m.matched, 'one latency per matched reply');
  assert.equal(result.latency.count, m.matched);
  assert.equal(decodeHistogram(result.histograms.connectTime).totalCount, c.opened, 'one connect time per opened connection');
}

/**
 * For a test file: the servers started through the function returned are closed after each
 * test, and the CLI processes it started are killed.
 */
export function serversPerTest(): <T extends TestServer>(server: Promise<T>) => Promise<T> {
  const servers: TestServer[] = [];
  afterEach(async () => {
    killAll();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async (server) => {
    const started = await server;
    servers.push(started);
    return started;
  };
}
