/** The README's scenario example, read from README.md, runs as written against `wscope listen PORT --echo`. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../cli/helpers.js';
import { echoPeerAndFolder, run } from './helpers.js';

/** The first ```yaml block of README's "Scenarios" section. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Scenarios\n'));
  assert.ok(section.length > 20, 'README.md has a "## Scenarios" section');
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  assert.ok(match?.[1], 'the Scenarios section has a ```yaml block');
  return match[1];
}

const { peer, folder } = echoPeerAndFolder();

test('the README example, as written but for the port, passes against wscope listen --echo', async () => {
  const example = readmeExample();
  assert.match(example, /ws:\/\/127\.0\.0\.1:8765/, 'the example connects to port 8765');
  const file = folder.write('readme.wscope.yaml', example.replace('127.0.0.1:8765', `127.0.0.1:${peer.port}`));
  const result = await run([file]);
  assert.equal(result.code, 0, `exit 0; stdout ${result.stdout} stderr ${result.stderr}`);
  assert.equal(result.stderr, '');
  const lines = result.stdout.split('\n');
  assert.match(lines[1] ?? '', /^ {2}✓ echo round trip \(\d+ ms\)$/);
  for (const step of [
    `connect {{url}}/status`,
    'send hello',
    'expect json {"type":"hello","user":"{{user}}"} within 2s',
    'send {"text":"ping {{$uuid}}"}',
    'expect regex ^ping [0-9a-f-]{36}$',
    'close 1000',
    'expectClose 1000',
  ]) {
    assert.ok(
      lines.some((line) => line.startsWith(`      ✓ ${step} `) && /\d+ ms$/.test(line)),
      `a ✓ line with its time for "${step}" in\n${result.stdout}`,
    );
  }
  assert.match(result.stdout, new RegExp(`connected to ws://127\\.0\\.0\\.1:${peer.port}/status`));
  assert.match(result.stdout, /closed 1000 Normal Closure/);
  assert.match(result.stdout, /\n1 passed \(1 scenario, \d+ ms\)\n$/);
});

test('the README example with --env staging and --var url=...: the staging user, the loopback URL', async () => {
  const file = folder.write('staging.wscope.yaml', readmeExample());
  const result = await run([file, '--env', 'staging', '--var', `url=ws://127.0.0.1:${peer.port}`, '--reporter', 'json']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = JSON.parse(result.stdout) as {
    passed: number;
    files: Array<{ scenarios: Array<{ trace: Array<{ event: string; dir: string; data?: string }> }> }>;
  };
  assert.equal(report.passed, 1);
  const sent = report.files[0]?.scenarios[0]?.trace.find((event) => event.event === 'message' && event.dir === 'out');
  // --var sets url above the environment; the environment still gives user.
  assert.deepEqual(JSON.parse(sent?.data ?? 'null'), { type: 'hello', user: 'bob' });
});
