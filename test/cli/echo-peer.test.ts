/**
 * `wscope listen PORT --echo` as a long-running test peer: a client that sends without reading
 * is pushed back by TCP instead of growing wscope's memory, nothing is lost once it reads, and
 * -q keeps the messages off stdout.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WebSocket as WsClient } from 'ws';
import { CliProcess, eventually, killAll, sleep } from './helpers.js';

afterEach(killAll);

async function listen(args: string[]): Promise<{ cli: CliProcess; port: number }> {
  const cli = new CliProcess(['listen', '0', '--host', '127.0.0.1', ...args]);
  const match = await cli.waitFor('stderr', /listening on port (\d+)/);
  return { cli, port: Number(match[1]) };
}

/** Resident memory of a process, in bytes (Linux). */
function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

async function open(url: string): Promise<WsClient> {
  const ws = new WsClient(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

const MiB = 1024 * 1024;

describe('listen --echo as a test peer', { timeout: 60_000 }, () => {
  test('a client sending 256 MiB without reading is pushed back; wscope grows by far less; every echo arrives, in order', async () => {
    const { cli, port } = await listen(['--echo', '-q']);
    const ws = await open(`ws://127.0.0.1:${port}/`);
    ws.pause();
    const before = rss(cli.child.pid!);
    const chunk = Buffer.alloc(MiB, 0x61);
    const total = 256;
    let sent = 0;
    // Send as a well-behaved producer would: only while our own buffer is small. When wscope stops
    // reading, TCP fills up and `bufferedAmount` stays high: give up after 1.5 s without progress.
    let lastProgress = Date.now();
    while (sent < total && Date.now() - lastProgress < 1500) {
      if (ws.bufferedAmount < 4 * MiB) {
        const message = Buffer.from(chunk);
        message.writeUInt32BE(sent, 0);
        ws.send(message);
        sent++;
        lastProgress = Date.now();
      } else await sleep(10);
    }
    const grown = rss(cli.child.pid!) - before;
    assert.ok(sent < total, `the client was pushed back (it sent ${sent} MiB)`);
    assert.ok(grown < 96 * MiB, `wscope grew by ${(grown / MiB).toFixed(0)} MiB while ${sent} MiB came at it`);

    // Now read: every message comes back, whole and in order, and the producer can go on.
    const echoed: number[] = [];
    ws.on('message', (data: Buffer) => {
      assert.equal(data.length, MiB);
      echoed.push(data.readUInt32BE(0));
    });
    ws.resume();
    await eventually(() => echoed.length === sent, `${sent} echoes (got ${echoed.length})`, 20_000);
    assert.deepEqual(
      echoed,
      Array.from({ length: sent }, (_, i) => i),
    );
    assert.equal(cli.stdout, '', '-q: no message on stdout');
    ws.close(1000);
    await cli.waitFor('stderr', /#1 closed 1000/);
  });

  test('-q: no message is printed or written; connections and closes still are', async () => {
    for (const quiet of [true, false]) {
      const { cli, port } = await listen(['--echo', ...(quiet ? ['-q'] : [])]);
      const ws = await open(`ws://127.0.0.1:${port}/`);
      const reply = new Promise<string>((resolve) => ws.once('message', (data: Buffer) => resolve(data.toString())));
      ws.send('hello quiet');
      assert.equal(await reply, 'hello quiet');
      ws.close(1000, 'bye');
      await cli.waitFor('stderr', /#1 connected from[\s\S]*#1 closed 1000 Normal Closure: "bye"/);
      if (quiet) assert.equal(cli.stdout, '');
      else await cli.waitFor('stdout', /hello quiet\n/);
      cli.kill();
    }
  });
});
