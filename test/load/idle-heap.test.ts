/**
 * What an idle load connection costs the generator: 2000 connections opened by one worker's run
 * in a process of their own, the V8 heap they hold after a full collection, per connection.
 * Measured at 3.8 KiB (net.Socket with its stream states and handle, our WebSocket, Connection
 * and the load's VirtualUser; see docs/benchmarks.md, "Scale"); the bound leaves a margin for
 * Node versions, and fails if per-connection state grows back (a closure, a copied options
 * object or a kept handshake buffer per connection is hundreds of bytes).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../cli/helpers.js';
import { wsEcho } from './peers.js';

const CONNECTIONS = 2000;
const HEAP_BOUND = 4.5 * 1024;
const EXTERNAL_BOUND = 512;

function softFileLimit(): number {
  const text = execFileSync('sh', ['-c', 'ulimit -Sn'], { encoding: 'utf8' }).trim();
  return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text);
}

interface Measured {
  opened: number;
  failed: number;
  heapPerConnection: number;
  externalPerConnection: number;
}

function measure(url: string, local?: string): Promise<Measured> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', join(ROOT, 'dist/test/load/idle-heap-child.js'), '--measure', url, String(CONNECTIONS), ...(local ? [local] : [])],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as Measured);
      else reject(new Error(`the measuring process exited with ${code}: ${stderr}`));
    });
  });
}

const skip = softFileLimit() < CONNECTIONS * 2 + 200 ? `needs an open-file limit of ${CONNECTIONS * 2 + 200} (ulimit -n)` : false;

for (const local of [undefined, '127.0.0.2']) {
  test(`${CONNECTIONS} idle load connections${local ? ` from ${local}` : ''} hold < ${HEAP_BOUND} B of V8 heap and < ${EXTERNAL_BOUND} B outside it each`, {
    skip,
    timeout: 90_000,
  }, async (t) => {
    const server = await wsEcho();
    try {
      const measured = await measure(server.url, local);
      t.diagnostic(`heap ${measured.heapPerConnection.toFixed(0)} B, outside the heap ${measured.externalPerConnection.toFixed(0)} B per connection`);
      assert.equal(measured.opened, CONNECTIONS, `${measured.failed} failed`);
      assert.ok(measured.heapPerConnection < HEAP_BOUND, `${measured.heapPerConnection.toFixed(0)} B of heap per connection`);
      assert.ok(measured.externalPerConnection < EXTERNAL_BOUND, `${measured.externalPerConnection.toFixed(0)} B outside the heap per connection`);
    } finally {
      await server.close();
    }
  });
}
