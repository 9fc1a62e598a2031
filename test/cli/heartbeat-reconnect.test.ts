/**
 * Keep-alive and recovery, as a user sees them: a frozen peer found by the heartbeat, pongs with
 * their round-trip times, and a reconnect across a server restart that loses no typed line.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer as WsServer, type WebSocket as WsSocket } from 'ws';
import { WebSocketServer, type WebSocket } from '../../src/index.js';
import { backoffDelay } from '../../src/cli/backoff.js';
import { CliProcess, eventually, freePort, killAll, sleep } from './helpers.js';

afterEach(killAll);

describe('heartbeat', { timeout: 120_000 }, () => {
  test('a peer that stops answering pings is found dead: 1006 with the reason, exit code 6', async () => {
    // ws with autoPong off: the handshake completes, then no ping is ever answered.
    const frozen = new WsServer({ port: 0, host: '127.0.0.1', autoPong: false });
    await new Promise((resolve) => frozen.once('listening', resolve));
    frozen.on('connection', (socket: WsSocket) => socket.on('error', () => {}));
    try {
      const port = (frozen.address() as AddressInfo).port;
      const started = Date.now();
      const cli = new CliProcess(['-c', `ws://127.0.0.1:${port}`, '--ping-interval', '0.2', '--ping-timeout', '0.2', '--ping-retries', '1']);
      const result = await cli.result(8000);
      const elapsed = Date.now() - started;
      assert.match(result.stderr, /heartbeat: no pong after 2 pings \(waited 200 \+ 400 ms\); the connection is dead/);
      assert.match(result.stderr, /closed 1006 Abnormal Closure: "no pong after 2 pings/);
      assert.equal(result.code, 6);
      assert.ok(elapsed >= 750 && elapsed < 5000, `gave up after ${elapsed} ms`);
    } finally {
      for (const client of frozen.clients) client.terminate();
      await new Promise((resolve) => frozen.close(resolve));
    }
  });

  test('-P prints each heartbeat pong with its round-trip time', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    try {
      const cli = new CliProcess(['-c', `ws://127.0.0.1:${server.address().port}`, '--ping-interval', '0.1', '-P']);
      await cli.waitFor('stderr', /< pong "wscope-heartbeat-1" \(rtt \d+\.\d\d ms\)[\s\S]*< pong "wscope-heartbeat-2"/);
      cli.end();
      assert.equal((await cli.result()).code, 0);
    } finally {
      await server.close();
    }
  });
});

describe('reconnect', { timeout: 120_000 }, () => {
  test('backoff grows exponentially, with jitter within [half, full] of each step, capped', () => {
    const options = { initialMs: 500, maxMs: 4000, factor: 2 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelay(n, { ...options, random: () => 1 })),
      [500, 1000, 2000, 4000, 4000],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelay(n, { ...options, random: () => 0 })),
      [250, 500, 1000, 2000, 2000],
    );
  });

  test('across a server restart: each attempt is printed, lines typed meanwhile are all delivered, in order', async () => {
    const port = await freePort();
    const received: string[] = [];
    const startServer = async () => {
      const server = new WebSocketServer({ port, host: '127.0.0.1' });
      server.on('connection', (socket: WebSocket) => socket.on('message', (data: Buffer) => received.push(data.toString())));
      await server.ready();
      return server;
    };
    let server = await startServer();
    const cli = new CliProcess(['-c', `ws://127.0.0.1:${port}`, '--reconnect', '20']);
    try {
      // With --reconnect every connection is named, so a reader can tell which one a line belongs to.
      await cli.waitFor('stderr', /connected to ws:\/\/127\.0\.0\.1:\d+\/ \(connection #1\)/);
      cli.write('before restart\n');
      await eventually(() => received.includes('before restart'), 'the first line');

      await server.close(1012, 'restarting');
      await cli.waitFor('stderr', /closed 1012 Service Restart: "restarting"\nreconnecting in \d+\.\d s \(attempt 1\/20\)/);
      cli.write('while down 1\n');
      cli.write('while down 2\n');
      await cli.waitFor('stderr', /could not connect to .*ECONNREFUSED[\s\S]*reconnecting in \d+\.\d s \(attempt 2\/20, 2 message\(s\) waiting\)/, 8000);
      await sleep(200);
      cli.write('while down 3\n');

      server = await startServer();
      const reconnected = await cli.waitFor('stderr', /reconnected to ws:\/\/127\.0\.0\.1:\d+\/ \(connection #(\d+)\)/, 10_000);
      // The first connection, then at least the refused attempt above, then this one.
      assert.ok(Number(reconnected[1]) >= 3, `connection #${reconnected[1]}`);
      await eventually(() => received.length === 4, 'the queued lines');
      cli.write('after restart\n');
      cli.end();
      const result = await cli.result();
      assert.deepEqual(received, ['before restart', 'while down 1', 'while down 2', 'while down 3', 'after restart']);
      assert.equal(result.code, 0);
    } finally {
      await server.close();
    }
  });

  test('stdin ending while disconnected: the queued lines still go out on the next connection, then it closes', async () => {
    const port = await freePort();
    const received: string[] = [];
    const startServer = async () => {
      const server = new WebSocketServer({ port, host: '127.0.0.1' });
      server.on('connection', (socket: WebSocket) => socket.on('message', (data: Buffer) => received.push(data.toString())));
      await server.ready();
      return server;
    };
    let server = await startServer();
    const cli = new CliProcess(['-c', `ws://127.0.0.1:${port}`, '--reconnect']);
    try {
      await cli.waitFor('stderr', /connected to/);
      await server.close();
      await cli.waitFor('stderr', /reconnecting in .*\(attempt 1\)/);
      cli.end('last words\n');
      await sleep(300);
      server = await startServer();
      const result = await cli.result(10_000);
      assert.deepEqual(received, ['last words']);
      assert.match(result.stderr, /closed 1000 Normal Closure/);
      assert.equal(result.code, 0);
    } finally {
      await server.close();
    }
  });

  test('--reconnect N gives up after N failed attempts with the last failure as exit code', async () => {
    const port = await freePort();
    const result = await new CliProcess(['-c', `ws://127.0.0.1:${port}`, '--reconnect', '2']).result(10_000);
    assert.match(result.stderr, /reconnecting in .*\(attempt 1\/2\)[\s\S]*reconnecting in .*\(attempt 2\/2\)[\s\S]*giving up after 2 reconnect attempts/);
    assert.equal(result.code, 3);
  });
});
