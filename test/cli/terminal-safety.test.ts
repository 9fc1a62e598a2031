/**
 * At a terminal, what the peer sends cannot drive the screen: control characters in messages,
 * JSON, binary views and close reasons are shown escaped (`\x1b[2J`), in connect and listen
 * mode; pipe mode still writes the bytes as they came.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket as WsClient } from 'ws';
import type { WebSocketServer } from '../../src/index.js';
import { answeringServer, killAll, killAllTmux, runCli, TmuxCli } from './helpers.js';

const NASTY = '\u001b[2J\u001b[Hgotcha\u0007\rX\u001b]0;pwned\u0007';
const SHOWN = '\\x1b[2J\\x1b[Hgotcha\\x07\\rX\\x1b]0;pwned\\x07';

let server: WebSocketServer;
let url: string;

before(async () => {
  ({ server, url } = await answeringServer((text, socket) => {
    if (text === 'text') socket.send(NASTY);
    if (text === 'json') socket.send(JSON.stringify({ k: 'a\u009b2Jb\u007f', e: '\u001b[31m' }));
    if (text === 'binary') socket.send(Buffer.from(NASTY), { binary: true });
    if (text === 'close') socket.close(4000, 'bye\u001b[2J\u009b');
  }));
});

after(async () => {
  killAllTmux();
  killAll();
  await server.close();
});

afterEach(killAllTmux);

/** The screen must still show what came before (nothing cleared it) and the escaped text. */
function assertIntact(screen: string): void {
  assert.match(screen, /connected to ws:\/\/127\.0\.0\.1/);
  assert.doesNotMatch(screen, /\u001b/);
}

describe('control characters at a terminal', { timeout: 60_000 }, () => {
  test('connect mode: text, JSON, a binary utf8 view and a close reason are shown escaped', async () => {
    const term = new TmuxCli(['-c', url, '--binary-view', 'utf8']);
    await term.waitFor(/connected to/);
    term.line('text');
    await term.waitFor(new RegExp(`< ${escapeRegExp(SHOWN)}$`, 'm'));
    term.line('binary');
    await term.waitFor(new RegExp(`< \\[binary 26 B\\] ${escapeRegExp(SHOWN)}$`, 'm'));
    term.line('close');
    await term.waitFor(/closed 4000 Private Use: "bye\\u001b\[2J\\x9b"/);
    assertIntact(term.screen(true).replace(/\u001b\[[0-9;]*m/g, ''));
    assert.equal(await term.exitCode(), 8);
  });

  test('connect mode --json: DEL and C1 inside strings are escaped too', async () => {
    const term = new TmuxCli(['-c', url, '--json']);
    await term.waitFor(/connected to/);
    term.line('json');
    await term.waitFor(/"k": "a\\x9b2Jb\\x7f",\n +"e": "\\u001b\[31m"/);
    assertIntact(term.screen(true).replace(/\u001b\[[0-9;]*m/g, ''));
  });

  test('listen mode: a client cannot drive the screen either', async () => {
    const term = new TmuxCli(['listen', '0', '--host', '127.0.0.1']);
    const port = Number((await term.waitFor(/listening on port (\d+)/))[1]);
    const ws = new WsClient(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(NASTY);
    await term.waitFor(new RegExp(`< #1 ${escapeRegExp(SHOWN)}$`, 'm'));
    ws.close(4001, '\u001b[2Jreason');
    await term.waitFor(/#1 closed 4001 Private Use: "\\u001b\[2Jreason"/);
    const screen = term.screen(true).replace(/\u001b\[[0-9;]*m/g, '');
    assert.match(screen, /listening on port/);
    assert.doesNotMatch(screen, /\u001b/);
  });

  test('pipe mode writes the data as it came', async () => {
    const result = await runCli(['-c', url, '-w', '0.3'], 'text\n');
    assert.equal(result.stdout, `${NASTY}\n`);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
