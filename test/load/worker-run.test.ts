/**
 * One worker's run driven in this thread against a real server, for what the CLI cannot show
 * directly: how long the thread is held while connections are opened.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import type { FromWorker, WorkerDone } from '../../src/load/worker-messages.js';
import { WorkerRun } from '../../src/load/worker-run.js';
import { killPythonServers, pythonEcho, seamEchoServer, wsEcho } from './peers.js';
import { workerOptions } from './worker-options.js';

test('1000 connections due at once do not hold the thread: timers due meanwhile still run within milliseconds', async () => {
  const server = await wsEcho();
  try {
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const run = new WorkerRun({ options: workerOptions(server.url, 1000), index: 0, count: 1 }, (message: FromWorker) => {
      if (message.type === 'done') finished();
    });
    const startedAt = Date.now();
    run.start(startedAt);
    // The connects are due now; a timer set now is due in 1 ms. Opening all 1000 before it
    // (each a socket, a connect and a handshake request) held it for hundreds of ms.
    const late = await timerDelay();
    assert.ok(late < 100, `a timer due in 1 ms ran ${late.toFixed(1)} ms later`);
    await done;
  } finally {
    await server.close();
  }
});

test('a backlog of open-loop sends after a stall does not hold the thread: timers due meanwhile still run within milliseconds', async () => {
  // A server in another process, so that its echoes cost this thread nothing but the reads.
  const server = await pythonEcho();
  try {
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const opened = new Promise<void>((resolve) => {
      const run = new WorkerRun(
        { options: workerOptions(server.url, 400, { durationMs: 4000, ratePerConnection: 80, inFlight: 200 }), index: 0, count: 1 },
        (message: FromWorker) => {
          if (message.type === 'second' && message.open === 400) resolve();
          if (message.type === 'done') finished();
        },
      );
      run.start(Date.now());
    });
    await opened;
    // The thread stalls for a second (a GC, a busy machine): 400 connections × 80/s owe ~32 000 sends at once.
    const stallUntil = performance.now() + 1000;
    while (performance.now() < stallUntil) {
      // Busy, as a stalled thread is.
    }
    const late = await timerDelay();
    assert.ok(late < 200, `a timer due in 1 ms ran ${late.toFixed(1)} ms later`);
    await done;
  } finally {
    await server.close();
    killPythonServers();
  }
});

test('replies cut at random places, glued together, between pings and pushes of every size: every one matched, every push counted, nothing lost', async () => {
  // The load socket takes small replies straight from the read's buffer: what a read leaves
  // half done (a header, a payload) must be kept for the next, and the rest read as before.
  for (const seed of [1, 2, 3]) {
    const server = await seamEchoServer(seed);
    try {
      const done = new Promise<WorkerDone>((resolve) => {
        // Closed loop, 8 in flight, 150 messages each: the run ends when every reply is in.
        const { durationMs: _, ...options } = workerOptions(server.url, 4, { messages: 150, ratePerConnection: 0, inFlight: 8 });
        const run = new WorkerRun({ options, index: 0, count: 1 }, (message: FromWorker) => {
          if (message.type === 'done') resolve(message);
        });
        run.start(Date.now());
      });
      const { messages, connections, closeCodes } = await done;
      assert.deepEqual(
        { sent: messages.sent, matched: messages.matched, unmatched: messages.unmatched, timedOut: messages.timedOut, unsolicited: messages.unsolicited },
        { sent: 600, matched: 600, unmatched: 0, timedOut: 0, unsolicited: 4 * server.pushesPer(150) },
        `seed ${seed}`,
      );
      assert.equal(messages.received, 600 + 4 * server.pushesPer(150), `seed ${seed}`);
      assert.equal(connections.lost, 0);
      assert.deepEqual(closeCodes, { 1000: 4 });
    } finally {
      await server.close();
    }
  }
});

/** How many ms after it was set a timer due in 1 ms ran: what the thread's other work held it up by. */
function timerDelay(): Promise<number> {
  const setAt = performance.now();
  return new Promise((resolve) => setTimeout(() => resolve(performance.now() - setAt), 1));
}
