/**
 * `wscope run` at a terminal (tmux): ✓ in green and ✗ in red, the diff's - and + coloured, and
 * what the server sent shown escaped — a message cannot clear or repaint the tester's screen.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { killAllTmux, TmuxCli } from '../cli/helpers.js';
import { echoPeerAndFolder } from './helpers.js';

// Registered first, so it runs first: the tmux sessions go before the peer they talk to.
after(() => killAllTmux());
const { peer, folder } = echoPeerAndFolder();

test("at a terminal: coloured marks and diff, the server's control characters escaped", async () => {
  const file = folder.write(
    'tty.wscope.yaml',
    `scenarios:
  - name: passes
    connect: ws://127.0.0.1:${peer.port}
    steps:
      - send: { text: fine }
      - expect: { text: fine }
  - name: a hostile reply
    connect: ws://127.0.0.1:${peer.port}
    steps:
      - send: { text: "\\e[2J\\e[Hgotcha" }
      - expect: { text: expected }
`,
  );
  const terminal = new TmuxCli(['run', file], { NO_COLOR: '' });
  assert.equal(await terminal.exitCode(10_000), 11);
  const screen = terminal.screen();
  assert.match(screen, /✓ passes \(\d+ ms\)/);
  assert.match(screen, /✗ a hostile reply \(\d+ ms\)/);
  assert.match(screen, /received: \\x1b\[2J\\x1b\[Hgotcha/, 'the escape sequences are shown, not run');
  assert.match(screen, /1 passed, 1 failed/);
  const coloured = terminal.screen(true);
  assert.match(coloured, /\u001b\[32m✓\u001b\[39m passes/);
  assert.match(coloured, /\u001b\[31m✗\u001b\[39m a hostile reply/);
  assert.match(coloured, /\u001b\[32m- expected\n/);
  assert.match(coloured, /\u001b\[31m\+ \\x1b\[2J\\x1b\[Hgotcha\n/);
  terminal.kill();
});
