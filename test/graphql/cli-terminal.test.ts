/**
 * `wscope graphql` at a terminal (tmux): results pretty-printed and coloured with their operation
 * id and time, and the interactive mode's several operations on one connection.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, killAllTmux, TmuxCli } from '../cli/helpers.js';
import { graphqlWsServer, legacyServer } from './servers.js';

after(killAllTmux);

describe('wscope graphql at a terminal', () => {
  test('each result: its id, a time, the JSON pretty-printed in colour', async () => {
    const server = await graphqlWsServer();
    const tmux = new TmuxCli(['graphql', server.url, '-q', 'subscription { count(to: 2) }'], { NO_COLOR: '' });
    try {
      assert.equal(await tmux.exitCode(), 0);
      const screen = tmux.screen();
      assert.match(screen, /< #1 result 1 \d\d:\d\d:\d\d\.\d{3}\n\s+\{\n\s+"data": \{\n\s+"count": 1\n/);
      assert.match(screen, /< #1 result 2 /);
      assert.match(screen, /#1 complete after 2 results/);
      // Keys cyan, numbers yellow (the palette of connect's --json).
      assert.match(tmux.screen(true), /\u001b\[36m"count"\u001b\[39m: \u001b\[33m1\n/);
    } finally {
      tmux.kill();
      await server.close();
    }
  });

  for (const [start, protocol, stopType] of [
    [graphqlWsServer, 'graphql-transport-ws', 'complete'],
    [legacyServer, 'graphql-ws', 'stop'],
  ] as const) {
    test(`interactive on ${protocol}: /subscribe twice on one connection, /operations, /stop one, Ctrl-C stops the other`, async () => {
      const server = await start();
      const tmux = new TmuxCli(['graphql', server.url]);
      try {
        await tmux.waitFor(new RegExp(`the server chose ${protocol}`));
        // Slow ticks: the screen keeps what the test reads.
        tmux.line('/subscribe clock subscription { count(to: 1000, interval: 250) }');
        await tmux.waitFor(/#1 clock result 2/);
        tmux.line('/subscribe three subscription { count(to: 3) }');
        await tmux.waitFor(/#2 three complete after 3 results|#2 complete after 3 results/);
        tmux.line('/subscribe bad subscription { ticks');
        await tmux.waitFor(/Syntax Error: Expected Name, found <EOF>\. \(line 1, column 21\); nothing was sent/);
        tmux.line('/operations');
        await tmux.waitFor(/#1 clock {2}running {2}\d+ results\n#2 three {2}completed {2}3 results/);
        tmux.line('/stop clock');
        await tmux.waitFor(/#1 stopped/);
        await eventually(() => server.received.some((m) => m['type'] === stopType), `${stopType} on the server`);
        assert.deepEqual(
          server.received.find((m) => m['type'] === stopType),
          { type: stopType, id: '1' },
        );
        tmux.line('/subscribe again subscription { count(to: 1000, interval: 250) }');
        await tmux.waitFor(/#3 again result 1/);
        tmux.keys('C-c');
        assert.equal(await tmux.exitCode(), 0);
        assert.deepEqual(
          server.received.filter((m) => m['type'] === stopType),
          [
            { type: stopType, id: '1' },
            { type: stopType, id: '3' },
          ],
          'Ctrl-C stopped the one still running, and only it',
        );
        assert.deepEqual(
          server.protocols.filter((p) => p === protocol),
          [protocol],
          'one connection ran them all',
        );
        assert.equal(
          server.received.filter((m) => m['type'] === (protocol === 'graphql-ws' ? 'start' : 'subscribe')).length,
          3,
          'the syntax error sent nothing',
        );
      } finally {
        tmux.kill();
        await server.close();
      }
    });
  }
});
