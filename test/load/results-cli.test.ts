/**
 * What a run ends with, as a user meets it: thresholds and exit 14, `load compare` and `load
 * merge` on real results, the live view at a terminal (tmux) and in a log, and bad command
 * lines (one line, exit 2).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { decodeHistogram, type LoadResult } from '../../src/load/index.js';
import { killAll, killAllTmux, runCli, tempDir, TmuxCli } from '../cli/helpers.js';
import { type TestServer, wsEcho } from './peers.js';
import { assertCountsAddUp, loadCli, removeResults } from './run-helpers.js';

const servers: TestServer[] = [];
const dir = tempDir();
afterEach(async () => {
  killAll();
  killAllTmux();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
after(() => {
  removeResults();
  dir.remove();
});

async function echo(delayMs = 0): Promise<TestServer> {
  const server = await wsEcho(delayMs);
  servers.push(server);
  return server;
}

describe('--threshold', () => {
  test('thresholds that hold: exit 0, each shown as passed', async () => {
    const server = await echo(20);
    const run = await loadCli([
      server.url,
      '-c',
      '2',
      '--messages',
      '10',
      '-w',
      '1',
      '-q',
      '--threshold',
      'p99<2s',
      '--threshold',
      'errors<1%',
      '--threshold',
      'p50>=15ms',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      run.result.thresholds?.map((outcome) => [outcome.expression, outcome.passed]),
      [
        ['p99<2s', true],
        ['errors<1%', true],
        ['p50>=15ms', true],
      ],
    );
    assert.match(run.stdout, /Thresholds\s+✓ pass p99<2s \(was \d/);
  });

  test('a threshold that fails: exit 14, and the failed one is named', async () => {
    const server = await echo(20);
    const run = await loadCli([
      server.url,
      '-c',
      '1',
      '--messages',
      '5',
      '-w',
      '1',
      '-q',
      '--threshold',
      'p50<5ms',
      '--threshold',
      'rate>1000000/s',
      '--threshold',
      'errors<1',
    ]);
    assert.equal(run.code, 14);
    assert.match(run.stderr, /^thresholds failed: p50<5ms, rate>1000000\/s$/m);
    assert.match(run.stdout, /✗ FAIL p50<5ms \(was \d+\.\d+ ms\)/);
    assert.match(run.stdout, /✓ pass errors<1 \(was 0\)/);
    const p50 = run.result.thresholds?.[0];
    assert.equal(p50?.limit, 5000);
    assert.equal(p50?.actual, run.result.latency.p50);
  });
});

describe('load compare and load merge', () => {
  test('merge adds two real runs exactly: counts summed, histograms added; compare shows each figure', async () => {
    const fast = await echo(0);
    const slow = await echo(30);
    const a = await loadCli([fast.url, '-c', '2', '--messages', '30', '-w', '1', '-q']);
    const b = await loadCli([slow.url, '-c', '1', '--messages', '20', '-w', '1', '-q']);
    const out = join(dir.path, 'merged.json');
    const merged = await runCli(['load', 'merge', a.file, b.file, '-o', out], undefined, { timeoutMs: 20_000 });
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stdout, /merged 2 results into .*merged\.json: 3 connections, 80 sent, 80 matched/);
    const result = JSON.parse(readFileSync(out, 'utf8')) as LoadResult;
    assert.equal(result.totals.messages.sent, 80);
    assert.equal(result.totals.connections.opened, 3);
    assert.equal(result.settings.connections, 3);
    assert.deepEqual(result.totals.closeCodes, { '1000': 3 });
    assert.equal(result.sources.length, 2);
    assertCountsAddUp(result);
    // The merged percentiles are those of both runs' replies together, not averages.
    const both = decodeHistogram(a.result.histograms.latency);
    both.add(decodeHistogram(b.result.histograms.latency));
    assert.equal(result.latency.p50, both.getValueAtPercentile(50));
    assert.equal(result.latency.p99, both.getValueAtPercentile(99));
    assert.equal(result.latency.max, Math.max(a.result.latency.max, b.result.latency.max));

    const compared = await runCli(['load', 'compare', a.file, b.file], undefined, { timeoutMs: 20_000 });
    assert.equal(compared.code, 0, compared.stderr);
    const p50 = compared.stdout.split('\n').find((line) => line.startsWith('latency p50'));
    assert.ok(p50, compared.stdout);
    // B answers 30 ms later: its p50 is higher, B / A well above 1, and that is worse.
    assert.match(p50, /\+\d+\.\d+ ms\s+\d+\.\d+x\s+worse$/);
    assert.match(compared.stdout, /^sent\s+60\s+20\s+−40\s+0\.33x\s+changed$/m);
  });

  test('a file that is not a result: exit 12, one line naming it', async () => {
    const bad = join(dir.path, 'bad.json');
    await import('node:fs').then((fs) => fs.writeFileSync(bad, '{"format":"something-else"}'));
    const run = await runCli(['load', 'compare', bad, bad], undefined, { timeoutMs: 20_000 });
    assert.equal(run.code, 12);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.match(run.stderr, /bad\.json: not a wscope load result/);
    const missing = await runCli(['load', 'merge', join(dir.path, 'none.json'), '-o', join(dir.path, 'x.json')], undefined, { timeoutMs: 20_000 });
    assert.equal(missing.code, 12);
    assert.match(missing.stderr, /none\.json: cannot read it: no such file/);
  });
});

describe('the live view', () => {
  test('at a terminal: one panel, redrawn in place each second', async () => {
    const server = await echo(5);
    const tmux = new TmuxCli(['load', server.url, '-c', '2', '-d', '4', '--rate', '20/s', '-w', '1']);
    await tmux.waitFor(/2 s of 4 s/, 15_000);
    await tmux.waitFor(/3 s of 4 s/, 5000);
    const screen = tmux.screen();
    assert.equal(screen.match(/wscope load ws:/g)?.length, 1, `one panel, not one per second:\n${screen}`);
    assert.match(screen, /connections {2}open 2 \/ 2 {3}failed 0/);
    assert.match(screen, /messages\/s {3}out \d+ {3}in \d+/);
    assert.match(screen, /latency {6}p50 \d+\.\d+ ms {3}p99/);
    assert.equal(await tmux.exitCode(15_000), 0);
    const end = tmux.screen();
    assert.equal(end.match(/wscope load ws:/g)?.length, 1);
    assert.match(end, /Summary ws:/);
  });

  test('Ctrl-C ends the run as its end would: replies awaited, connections closed with 1000, the summary printed', async () => {
    const server = await echo(5);
    const json = join(dir.path, 'interrupted.json');
    const tmux = new TmuxCli(['load', server.url, '-c', '2', '-d', '60', '--rate', '20/s', '-w', '1', '--json', json]);
    await tmux.waitFor(/2 s of 60 s/, 15_000);
    tmux.keys('C-c');
    assert.equal(await tmux.exitCode(10_000), 0);
    assert.match(tmux.screen(), /Close codes\s+1000 Normal Closure ×2/);
    const result = JSON.parse(readFileSync(json, 'utf8')) as LoadResult;
    assert.ok(result.measuredMs < 10_000, `measured ${result.measuredMs} ms, not the 60 s asked for`);
    assert.equal(result.totals.messages.unmatched + result.totals.messages.timedOut, 0);
    assertCountsAddUp(result);
  });

  test('in a log: one plain line per second, no escape sequences', async () => {
    const server = await echo();
    const run = await loadCli([server.url, '-c', '2', '-d', '2.2', '--rate', '10/s', '-w', '1']);
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('['));
    assert.ok(lines.length >= 2, run.stderr);
    assert.match(lines[0]!, /^\[1s\] open 2 failed 0 \| out \d+\/s in \d+\/s \| p50 \S+ µs|ms/);
    assert.doesNotMatch(run.stderr, /\u001b/);
  });
});

describe('bad command lines: one line, exit 2', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['no URL', ['load'], /name the server/],
    ['not a URL', ['load', 'nope'], /is not a URL/],
    ['an http-less scheme', ['load', 'ftp://x'], /use a ws:\/\/ or wss:\/\/ URL/],
    ['a bad threshold', ['load', 'ws://127.0.0.1:1', '--threshold', 'p99<<5'], /threshold 'p99<<5' is not METRIC<VALUE/],
    ['an unknown threshold figure', ['load', 'ws://127.0.0.1:1', '--threshold', 'p42<5ms'], /unknown figure 'p42'/],
    ['a threshold in the wrong unit', ['load', 'ws://127.0.0.1:1', '--threshold', 'errors<5ms'], /errors takes a percentage/],
    ['both bounds', ['load', 'ws://127.0.0.1:1', '-d', '5', '--messages', '3'], /either --duration or --messages/],
    ['a bad rate', ['load', 'ws://127.0.0.1:1', '--rate', 'fast'], /--rate 'fast' is not a rate/],
    ['--rate-scope alone', ['load', 'ws://127.0.0.1:1', '--rate-scope', 'total'], /--rate-scope goes with --rate/],
    ['a bad match', ['load', 'ws://127.0.0.1:1', '--match', 'regex'], /--match 'regex' is not echo, next or json/],
    ['json match without the field', ['load', 'ws://127.0.0.1:1', '--match', 'json:$.id', '-m', '{"op":1}'], /the message has no value at \$\.id/],
    ['a missing template variable', ['load', 'ws://127.0.0.1:1', '-m', '{{user}}'], /missing variable "user"/],
    ['two messages', ['load', 'ws://127.0.0.1:1', '-m', 'a', '--size', '10'], /use one of --message, --message-file and --size/],
    ['a bad address range', ['load', 'ws://127.0.0.1:1', '--local-address', '127.0.0.9-127.0.0.1'], /runs backwards/],
    ['a bad duration', ['load', 'ws://127.0.0.1:1', '-d', 'soon'], /--duration 'soon' is not a duration/],
    ['zero connections', ['load', 'ws://127.0.0.1:1', '-c', '0'], /expected an integer from 1/],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const run = await runCli(args, undefined, { timeoutMs: 20_000 });
      assert.equal(run.code, 2, run.stderr);
      const [first, ...rest] = run.stderr.trim().split('\n');
      assert.match(first!, message);
      assert.match(first!, /^error: /);
      // The error, then only the usage hint.
      assert.deepEqual(rest, ["(run 'wscope load --help' for usage)"]);
    });
  }
});
