/**
 * `wscope load` against real servers (ws, our own, Python websockets) and against servers that
 * misbehave in known ways: the counts add up, latency lands where a known delay puts it, and
 * what went wrong is counted where the result says it is.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { HandshakeRequest } from '../../src/index.js';
import { tempDir } from '../cli/helpers.js';
import { selfSigned } from '../node/helpers.js';
import { killPythonServers, ourEcho, pythonEcho, scriptedServer, wsEcho } from './peers.js';
import { assertCountsAddUp, loadCli, removeResults, serversPerTest } from './run-helpers.js';

const serve = serversPerTest();
const certificates = tempDir();
after(() => {
  killPythonServers();
  removeResults();
  certificates.remove();
});

for (const [name, start] of [
  ['ws', () => wsEcho()],
  ['our own server', ourEcho],
  ['Python websockets', pythonEcho],
] as const) {
  describe(`against ${name}'s echo server`, () => {
    test('closed loop, --messages: every message sent is matched, and the counts add up', async () => {
      const server = await serve(start());
      const run = await loadCli([server.url, '-c', '3', '--messages', '40', '-w', '1', '-q']);
      assert.equal(run.code, 0, run.stderr);
      const { messages, connections } = run.result.totals;
      assert.equal(messages.sent, 120);
      assert.equal(messages.matched, 120);
      assert.equal(messages.timedOut + messages.unmatched + messages.unsolicited, 0);
      assert.equal(connections.opened, 3);
      assert.deepEqual(run.result.totals.closeCodes, { '1000': 3 });
      assertCountsAddUp(run.result);
      assert.match(run.stdout, /Messages\s+sent 120\s+matched 120\s+unmatched 0\s+timed out 0/);
    });

    test('open loop, --rate per connection: the schedule is kept, and the counts add up', async () => {
      const server = await serve(start());
      const run = await loadCli([server.url, '-c', '2', '-d', '1.5', '--rate', '40/s', '-w', '1', '-q', '--binary', '--size', '100']);
      assert.equal(run.code, 0, run.stderr);
      const { messages } = run.result.totals;
      // 2 connections × 40/s × 1.5 s = 120, less what the connections' opening took from the 1.5 s.
      assert.ok(messages.sent >= 90 && messages.sent <= 122, `sent ${messages.sent}`);
      assert.equal(messages.matched, messages.sent);
      assert.equal(messages.bytesSent, messages.sent * 100);
      assert.equal(run.result.settings.latencyFrom, 'intended');
      assertCountsAddUp(run.result);
    });
  });
}

describe('latency', () => {
  test('a server that answers 40 ms late: the percentiles land at 40 ms and a little above', async () => {
    const server = await serve(wsEcho(40));
    const run = await loadCli([server.url, '-c', '2', '-d', '2', '--rate', '10/s', '-w', '1', '-q']);
    assert.equal(run.code, 0, run.stderr);
    const { latency } = run.result;
    assert.ok(latency.count >= 20, `${latency.count} replies`);
    assert.ok(latency.min >= 40_000, `min ${latency.min} µs is at least the delay`);
    // The margin above 40 ms is the timers' lateness on both sides and a busy test machine.
    assert.ok(latency.p50 >= 40_000 && latency.p50 <= 60_000, `p50 ${latency.p50} µs within 40-60 ms`);
    assert.ok(run.result.serviceTime.min >= 40_000, 'service time too');
    assertCountsAddUp(run.result);
  });

  test('with a rate, connections that open late are timed from their own open, not from the run start', async () => {
    // Half the handshakes answered 1.5 s late: were the schedule the run's, their first
    // messages would be charged the 1.5 s before the connection existed.
    const server = await serve(wsEcho(40, 1500));
    const run = await loadCli([server.url, '-c', '10', '--ramp', '0.5', '-d', '3.5', '--rate', '10/s', '-w', '1', '-q']);
    assert.equal(run.code, 0, run.stderr);
    const { latency, connectTime } = run.result;
    assert.ok(connectTime.max >= 1_500_000, `the late ones took ${connectTime.max} µs to open`);
    assert.ok(latency.count >= 100, `${latency.count} replies`);
    assert.ok(latency.p50 >= 40_000 && latency.p50 <= 60_000, `p50 ${latency.p50} µs within 40-60 ms`);
    assert.ok(latency.max < 1_000_000, `max ${latency.max} µs: no reply charged the wait to open`);
    assertCountsAddUp(run.result);
  });

  test('closed loop against the same delay: each connection does about 25 round trips a second', async () => {
    const server = await serve(wsEcho(40));
    const run = await loadCli([server.url, '-c', '2', '-d', '1.5', '-w', '1', '-q']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.result.latency.p50 >= 40_000 && run.result.latency.p50 <= 60_000, `p50 ${run.result.latency.p50}`);
    // 1.5 s at 40+ ms per round trip, one in flight: at most 37 per connection.
    assert.ok(run.result.totals.messages.sent <= 2 * 38, `sent ${run.result.totals.messages.sent}`);
    assert.equal(run.result.settings.latencyFrom, 'actual');
  });

  test('a server that stalls: with a rate, the requests queued behind the stall are charged for it (coordinated omission)', async () => {
    // Replies held while the server "stalls" for 600 ms after the 5th message, then all released.
    const held: Array<() => void> = [];
    let stalled = false;
    const server = await serve(
      scriptedServer((socket, data, count) => {
        const reply = () => socket.readyState === socket.OPEN && socket.send(data);
        if (count === 5) {
          stalled = true;
          setTimeout(() => {
            stalled = false;
            for (const release of held.splice(0)) release();
            reply();
          }, 600);
        } else if (stalled) held.push(reply);
        else reply();
      }),
    );
    const run = await loadCli([server.url, '-c', '1', '-d', '2', '--rate', '50/s', '--in-flight', '1', '-w', '1', '-q']);
    assert.equal(run.code, 0, run.stderr);
    const { latency, serviceTime } = run.result;
    // With one in flight, sending waits for the stalled reply: the ~30 messages due meanwhile
    // measure from when they were due, so their latencies spread up to the stall; the service
    // time (from the actual send) saw only the one slow reply.
    assert.ok(latency.p90 >= 150_000, `latency p90 ${latency.p90} µs shows the stall`);
    assert.ok(serviceTime.p90 < 100_000, `service time p90 ${serviceTime.p90} µs does not`);
    assertCountsAddUp(run.result);
  });
});

describe('counting what went wrong', () => {
  test('replies that never come are timed out; the next request goes out after the timeout', async () => {
    const server = await serve(scriptedServer((socket, data, count) => count % 2 === 1 && socket.send(data)));
    const run = await loadCli([server.url, '-c', '1', '--messages', '6', '--reply-timeout', '0.3', '-w', '1', '-q']);
    assert.equal(run.code, 0, run.stderr);
    const { messages } = run.result.totals;
    assert.deepEqual([messages.sent, messages.matched, messages.timedOut, messages.unmatched], [6, 3, 3, 0]);
    assert.equal(run.result.totals.errors, 3);
    assertCountsAddUp(run.result);
  });

  test('a server that drops the connection: the requests in flight are unmatched, the connection lost (1006)', async () => {
    const server = await serve(
      scriptedServer((socket, data, count) => {
        if (count === 5) socket.terminate();
        else if (count < 5) setTimeout(() => socket.readyState === socket.OPEN && socket.send(data), 50);
      }),
    );
    const run = await loadCli([server.url, '-c', '1', '--messages', '20', '--in-flight', '3', '-w', '1', '-q']);
    assert.equal(run.code, 0, run.stderr);
    const { messages, connections } = run.result.totals;
    assert.equal(connections.lost, 1);
    assert.deepEqual(run.result.totals.closeCodes, { '1006': 1 });
    assert.ok(messages.unmatched >= 1, `unmatched ${messages.unmatched}`);
    assert.equal(messages.timedOut, 0);
    assertCountsAddUp(run.result);
    assert.match(run.stdout, /Close codes\s+1006 Abnormal Closure ×1/);
  });

  test('messages the server pushes on its own are unsolicited, not replies', async () => {
    const server = await serve(
      scriptedServer((socket, data) => {
        socket.send('server news');
        socket.send(data);
      }),
    );
    const run = await loadCli([server.url, '-c', '2', '--messages', '10', '-w', '1', '-q']);
    const { messages } = run.result.totals;
    assert.deepEqual([messages.sent, messages.matched, messages.unsolicited, messages.received], [20, 20, 20, 40]);
    assertCountsAddUp(run.result);
  });

  test('--match json:$.id pairs replies answered out of order', async () => {
    // Every two requests are answered in reverse order, each reply a new object with the id.
    const waiting: Array<{ id: unknown }> = [];
    const server = await serve(
      scriptedServer((socket, data) => {
        waiting.push(JSON.parse(data.toString()) as { id: unknown });
        if (waiting.length < 2) return;
        for (const request of waiting.splice(0).reverse()) socket.send(JSON.stringify({ ok: true, id: request.id }));
      }),
    );
    const run = await loadCli([
      server.url,
      '-c',
      '1',
      '--messages',
      '20',
      '--in-flight',
      '2',
      '-m',
      '{"id":{{$seq}},"op":"get"}',
      '--match',
      'json:$.id',
      '-w',
      '1',
      '-q',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const { messages } = run.result.totals;
    assert.deepEqual([messages.sent, messages.matched, messages.unsolicited], [20, 20, 0]);
    assert.equal(run.result.settings.match, 'json:$.id');
    assertCountsAddUp(run.result);
  });

  test('--match echo does not take a reply to another request for its own', async () => {
    // The same out-of-order server as above, echoing: the payloads still find their requests.
    const waiting: Buffer[] = [];
    const server = await serve(
      scriptedServer((socket, data) => {
        waiting.push(data);
        if (waiting.length < 2) return;
        for (const request of waiting.splice(0).reverse()) socket.send(request);
      }),
    );
    const run = await loadCli([server.url, '-c', '1', '--messages', '10', '--in-flight', '2', '-m', 'n{{seq}} c{{conn}}', '-w', '1', '-q']);
    const { messages } = run.result.totals;
    assert.deepEqual([messages.sent, messages.matched, messages.unsolicited], [10, 10, 0]);
  });

  test('--match echo: a reply that differs from its request in any one byte is no reply to it', async () => {
    // Each reply has one byte changed, at a place that moves: first, middle, last of 32 and of 100 bytes.
    for (const size of [32, 100]) {
      const server = await serve(
        scriptedServer((socket, data, count) => {
          const altered = Buffer.from(data);
          const at = [0, size >> 1, size - 1][count % 3]!;
          altered[at] = altered[at]! ^ 0x01;
          socket.send(altered, { binary: true });
        }),
      );
      const run = await loadCli([server.url, '-c', '1', '--messages', '3', '--size', String(size), '--binary', '--reply-timeout', '0.3', '-w', '1', '-q']);
      const { messages } = run.result.totals;
      assert.deepEqual([messages.sent, messages.matched, messages.unsolicited, messages.timedOut], [3, 0, 3, 3], `size ${size}`);
    }
  });

  test('handshake refusals are counted by HTTP status, refused TCP by error code', async () => {
    const server = await serve(scriptedServer(() => undefined, { accept: () => ({ accept: false, status: 503 }) }));
    const refused = await loadCli([server.url, '-c', '3', '-d', '0.5', '-w', '1', '-q']);
    assert.deepEqual(refused.result.totals.connections.handshakeFailures, { '503': 3 });
    assert.equal(refused.result.totals.connections.failed, 3);
    assert.match(refused.stdout, /Refused \(HTTP\)\s+503 Service Unavailable ×3/);
    assertCountsAddUp(refused.result);
    await server.close();
    const closedPort = await loadCli([server.url, '-c', '2', '-d', '0.5', '-w', '1', '-q']);
    assert.deepEqual(closedPort.result.totals.connections.connectErrors, { ECONNREFUSED: 2 });
  });
});

describe('connections', () => {
  test('--local-address spreads the connections over a range of source addresses', async () => {
    const server = await serve(scriptedServer((socket, data) => socket.send(data)));
    const run = await loadCli([server.url, '-c', '6', '--messages', '1', '--local-address', '127.0.0.1-127.0.0.3', '-w', '2', '-q']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([...server.remoteAddresses].sort(), ['127.0.0.1', '127.0.0.1', '127.0.0.2', '127.0.0.2', '127.0.0.3', '127.0.0.3']);
    assert.deepEqual(run.result.settings.localAddresses, ['127.0.0.1', '127.0.0.2', '127.0.0.3']);
  });

  test('--ramp opens the connections over its time', async () => {
    const server = await serve(wsEcho());
    const run = await loadCli([server.url, '-c', '4', '--ramp', '1.2', '-d', '2', '--rate', '5/s', '-w', '1', '-q']);
    const opened = run.result.series.map((sample) => sample.connectionsOpened);
    // One every 0.3 s: the first second opens 4 at most 4 and at least 3 (0, 0.3, 0.6, 0.9 s).
    assert.equal(
      opened.reduce((a, b) => a + b, 0),
      4,
    );
    assert.ok((opened[0] ?? 0) >= 3 && (opened[0] ?? 0) <= 4, `opened per second ${opened}`);
    assert.ok(run.result.connectTime.count === 4);
  });

  test('--workers 2: the connections are split, and what each worker counted adds up to the whole', async () => {
    const server = await serve(ourEcho());
    const run = await loadCli([server.url, '-c', '4', '--messages', '25', '-w', '2', '-m', '{{conn}}:{{seq}}', '-q']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result.sources[0]?.workers, 2);
    assert.equal(run.result.totals.messages.sent, 100);
    assert.equal(run.result.totals.messages.matched, 100);
    assert.equal(run.result.totals.connections.opened, 4);
    assertCountsAddUp(run.result);
  });
});

describe('rates', () => {
  test('--rate R/s --rate-scope total: R over all the connections together, not R each', async () => {
    const server = await serve(wsEcho());
    const run = await loadCli([server.url, '-c', '4', '-d', '2', '--rate', '30/s', '--rate-scope', 'total', '-w', '2', '-q']);
    assert.equal(run.code, 0, run.stderr);
    // 30/s for 2 s: 60, less the opening (4 × 30/s each would be 240).
    assert.ok(run.result.totals.messages.sent >= 45 && run.result.totals.messages.sent <= 62, `sent ${run.result.totals.messages.sent}`);
    assert.deepEqual(run.result.settings.rate, { perSecond: 30, scope: 'total' });
  });

  test('--connect-rate: at most R new connections a second', async () => {
    const server = await serve(wsEcho());
    const run = await loadCli([server.url, '-c', '6', '--connect-rate', '4/s', '-d', '2.2', '--rate', '2/s', '-w', '1', '-q']);
    const opened = run.result.series.map((sample) => sample.connectionsOpened);
    assert.ok((opened[0] ?? 0) <= 4, `opened per second ${opened}`);
    assert.equal(run.result.totals.connections.opened, 6);
  });
});

describe('the handshake, as connect makes it', () => {
  test('subprotocols, headers and the Origin reach the server', async () => {
    const requests: HandshakeRequest[] = [];
    const server = await serve(
      scriptedServer((socket, data) => socket.send(data), {
        accept: (request) => {
          requests.push(request);
          return true;
        },
      }),
    );
    const run = await loadCli([
      server.url,
      '-c',
      '2',
      '--messages',
      '2',
      '-s',
      'chat.v2',
      '-H',
      'X-Tenant: blue',
      '-o',
      'https://example.test',
      '-w',
      '1',
      '-q',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(requests.length, 2);
    for (const request of requests) {
      assert.deepEqual(request.protocols, ['chat.v2']);
      assert.equal(request.headers['x-tenant'], 'blue');
      assert.equal(request.origin, 'https://example.test');
    }
    assert.deepEqual(run.result.settings.subprotocols, ['chat.v2']);
  });

  test('wss: a self-signed certificate fails every connection unless -n; with --ca it is trusted', async () => {
    const { cert, key } = selfSigned(certificates.path, 'load', 'IP:127.0.0.1');
    const server = await serve(scriptedServer((socket, data) => socket.send(data), { tls: { cert, key } }));
    const url = server.url.replace('ws://', 'wss://');
    const untrusted = await loadCli([url, '-c', '2', '-d', '0.5', '-w', '1', '-q']);
    assert.equal(untrusted.result.totals.connections.failed, 2);
    assert.deepEqual(Object.keys(untrusted.result.totals.connections.connectErrors), ['DEPTH_ZERO_SELF_SIGNED_CERT']);
    const unchecked = await loadCli([url, '-c', '2', '--messages', '5', '-n', '-w', '1', '-q']);
    assert.equal(unchecked.result.totals.messages.matched, 10);
    const trusted = await loadCli([url, '-c', '1', '--messages', '5', '--ca', `${certificates.path}/load.pem`, '-w', '1', '-q']);
    assert.equal(trusted.result.totals.messages.matched, 5);
  });
});
