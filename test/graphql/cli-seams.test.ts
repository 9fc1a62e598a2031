/**
 * `wscope graphql` where things go wrong or race: --protocol auto on each real server, a server
 * that never acknowledges (our ack timeout, 4408), the connection_ack in the same write as the
 * 101, and Ctrl-C at a terminal (the server must see complete / stop before the close).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, killAll, killAllTmux, runCli, TmuxCli } from '../cli/helpers.js';
import { jsonLines } from './output.js';
import { ackWithHandshakeServer, graphqlWsServer, legacyServer, scriptedServer, silentServer } from './servers.js';

after(() => {
  killAll();
  killAllTmux();
});

describe('--protocol auto (the default)', () => {
  for (const [name, start, protocol] of [
    ['the graphql-ws server', graphqlWsServer, 'graphql-transport-ws'],
    ['the subscriptions-transport-ws server', legacyServer, 'graphql-ws'],
  ] as const) {
    test(`${name}: speaks ${protocol} and says so`, async () => {
      const server = await start();
      try {
        const { code, stdout, stderr } = await runCli(['graphql', server.url, '-q', 'subscription { count(to: 2) }'], '');
        assert.equal(code, 0, stderr);
        assert.deepEqual(jsonLines(stdout), [{ data: { count: 1 } }, { data: { count: 2 } }]);
        assert.match(stderr, new RegExp(`\\(the server chose ${protocol}\\)`));
        assert.equal(server.protocols.at(-1), protocol, 'the connection that ran the operation');
      } finally {
        await server.close();
      }
    });
  }
});

describe('a server that never sends connection_ack', () => {
  test('--timeout 0.5: closed with 4408 after half a second, said so, exit 8', async () => {
    const server = await silentServer('graphql-transport-ws');
    try {
      const started = performance.now();
      const { code, stdout, stderr } = await runCli(['graphql', server.url, '-q', 'subscription { count(to: 2) }', '--timeout', '0.5'], '');
      const elapsed = performance.now() - started;
      assert.equal(code, 8, stderr);
      assert.equal(stdout, '');
      assert.match(stderr, /no connection_ack within 0\.5 s/);
      assert.match(stderr, /closed 4408 Connection Initialisation Timeout/);
      assert.deepEqual(server.received, [{ type: 'connection_init' }], 'nothing but connection_init before the ack');
      assert.ok(elapsed < 4000, `took ${elapsed} ms`);
    } finally {
      await server.close();
    }
  });
});

describe('the peer speaks first', () => {
  test('connection_ack in the same write as the 101: the operation runs', async () => {
    const server = await ackWithHandshakeServer();
    try {
      const { code, stdout, stderr } = await runCli(['graphql', server.url, '-q', 'subscription { seam }', '--timeout', '2'], '');
      assert.equal(code, 0, stderr);
      assert.deepEqual(jsonLines(stdout), [{ data: { seam: true } }]);
      assert.deepEqual(
        server.received.map((m) => m['type']),
        ['connection_init', 'subscribe'],
      );
    } finally {
      await server.close();
    }
  });
});

describe('Ctrl-C at a terminal', () => {
  for (const [start, protocol, stopType] of [
    [graphqlWsServer, 'graphql-transport-ws', 'complete'],
    [legacyServer, 'graphql-ws', 'stop'],
  ] as const) {
    test(`${protocol}: the server sees ${stopType} for the running subscription, then a close 1000; exit 0`, async () => {
      const server = await start();
      const tmux = new TmuxCli(['graphql', server.url, '--protocol', protocol, '-q', 'subscription { ticks }']);
      try {
        await tmux.waitFor(/#1 result 3/);
        tmux.keys('C-c');
        assert.equal(await tmux.exitCode(), 0);
        await eventually(() => server.received.some((m) => m['type'] === stopType), `${stopType} on the server`);
        assert.deepEqual(
          server.received.find((m) => m['type'] === stopType),
          { type: stopType, id: '1' },
        );
        assert.match(tmux.screen(), /closed 100[05]/);
      } finally {
        tmux.kill();
        await server.close();
      }
    });
  }
});

describe('protocol messages the library server does not send', () => {
  test('a ping is answered with a pong carrying its payload', async () => {
    const server = await scriptedServer('{"type":"next","id":"$ID","payload":{"data":{"x":1}}}');
    try {
      const { code, stdout, stderr } = await runCli(['graphql', server.url, '-q', '{ x }', '-n', '1'], '');
      assert.equal(code, 0, stderr);
      assert.deepEqual(jsonLines(stdout), [{ data: { x: 1 } }]);
      assert.deepEqual(
        server.received.find((m) => m['type'] === 'pong'),
        { type: 'pong', payload: { n: 1 } },
      );
    } finally {
      await server.close();
    }
  });

  test('an invalid message: wscope closes with 4400 and the reason, exit 7', async () => {
    const server = await scriptedServer('{"type":"next","id":"$ID","payload":"not an object"}');
    try {
      const { code, stdout, stderr } = await runCli(['graphql', server.url, '-q', '{ x }'], '');
      assert.equal(code, 7, stderr);
      assert.equal(stdout, '');
      assert.match(stderr, /the server sent an invalid graphql-transport-ws message: "next" needs an object 'payload' \(an execution result\), got string/);
      assert.match(stderr, /closed 4400 Invalid Message: "\\"next\\" needs an object/);
    } finally {
      await server.close();
    }
  });
});
