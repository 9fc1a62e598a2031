/**
 * `wscope load --prometheus PORT`: /metrics is scraped while the real CLI runs against an echo
 * server, parsed as Prometheus's text format, and its counters checked against the run's JSON.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LoadResult } from '../../src/load/index.js';
import { CliProcess, freePort, killAll, runCli, sleep, tempDir } from '../cli/helpers.js';
import { echoServer } from '../node/helpers.js';

/** Prometheus text format: `name{labels} value` lines, comments skipped. Keyed by name plus labels as written. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    out.set(match[1]!, Number(match[2]));
  }
  return out;
}

async function scrape(port: number): Promise<{ status: number; type: string; metrics: Map<string, number> } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    return { status: response.status, type: response.headers.get('content-type') ?? '', metrics: parseMetrics(await response.text()) };
  } catch {
    return undefined;
  }
}

describe('load --prometheus', { timeout: 120_000 }, () => {
  const dir = tempDir();
  let server: Awaited<ReturnType<typeof echoServer>>;

  before(async () => {
    server = await echoServer();
  });

  after(async () => {
    await server?.server.close();
    killAll();
    dir.remove();
  });

  test('scraped during the run: counters that grow, the open connections, and the end agrees with --json', async () => {
    const port = await freePort();
    const json = join(dir.path, 'run.json');
    const cli = new CliProcess([
      'load',
      server.url,
      '-c',
      '4',
      '-d',
      '4',
      '--rate',
      '25/s',
      '--workers',
      '1',
      '-q',
      '--json',
      json,
      '--prometheus',
      String(port),
    ]);
    const scrapes: Array<Map<string, number>> = [];
    while (cli.child.exitCode === null) {
      const got = await scrape(port);
      if (got) {
        assert.equal(got.status, 200);
        assert.match(got.type, /^text\/plain; version=0\.0\.4/);
        scrapes.push(got.metrics);
      }
      await sleep(250);
    }
    const result = await cli.result(30_000);
    assert.equal(result.code, 0, result.stderr);
    const final = JSON.parse(readFileSync(json, 'utf8')) as LoadResult;

    const during = scrapes.filter((m) => (m.get('wscope_load_messages_sent_total') ?? 0) > 0);
    assert.ok(during.length >= 2, `${during.length} scrapes saw messages`);
    // Counters never go down, and never pass what the run counted in the end.
    const sent = during.map((m) => m.get('wscope_load_messages_sent_total')!);
    assert.deepEqual(
      [...sent].sort((a, b) => a - b),
      sent,
    );
    assert.ok(sent[sent.length - 1]! <= final.totals.messages.sent);
    for (const m of during) {
      assert.ok(m.get('wscope_load_messages_matched_total')! <= m.get('wscope_load_messages_sent_total')!);
      assert.ok(m.get('wscope_load_messages_received_total')! >= m.get('wscope_load_messages_matched_total')!);
    }
    // While it ran, all four connections were open and replies had a latency.
    assert.ok(during.some((m) => m.get('wscope_load_connections_open') === 4));
    assert.ok(during.some((m) => m.get('wscope_load_connections_opened_total') === final.totals.connections.opened));
    const p99 = during.map((m) => m.get('wscope_load_reply_latency_seconds{quantile="0.99"}')).filter((v) => v !== undefined);
    assert.ok(p99.length > 0 && p99.every((v) => v! > 0 && v! < 5));
    assert.equal(during[during.length - 1]!.get('wscope_load_messages_timed_out_total'), 0);
  });

  test('a port already taken: one line on stderr, exit 2', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const run = await runCli(['load', server.url, '-c', '1', '-d', '1', '-q', '--prometheus', String(port)], undefined, { timeoutMs: 30_000 });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^error: --prometheus \d+: cannot listen on 127\.0\.0\.1: EADDRINUSE\n$/);
    } finally {
      taken.close();
    }
  });

  test('not a port: a usage error', async () => {
    const run = await runCli(['load', server.url, '--prometheus', 'nine'], undefined, { timeoutMs: 30_000 });
    assert.equal(run.code, 2);
    assert.equal(run.stderr.trim().split('\n').length <= 2, true, run.stderr);
    assert.match(run.stderr, /prometheus/);
  });
});
