/**
 * The interactive mode in a real pseudo-terminal (tmux): what a person types and what the screen
 * then shows: echoes, slash commands, persistent history, Ctrl-C and Ctrl-D, and the seed's two
 * commands in two terminals.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from '../../src/index.js';
import { eventually, freePort, killAllTmux, tempDir, TmuxCli } from './helpers.js';

interface Closed {
  code: number;
  reason: string;
}

let server: WebSocketServer;
let url: string;
const received: string[] = [];
const closes: Closed[] = [];

before(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await server.ready();
  url = `ws://127.0.0.1:${server.address().port}/chat`;
  server.on('connection', (socket: WebSocket) => {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const text = data.toString();
      received.push(text);
      if (text === 'json please') socket.send('{"user":"ada","tags":["a",1,true,null]}');
      else socket.send(data, { binary: isBinary });
    });
    socket.on('close', (code: number, reason: string) => closes.push({ code, reason }));
  });
});

after(async () => {
  killAllTmux();
  await server.close();
});

afterEach(killAllTmux);

describe('interactive mode (a pseudo-terminal)', { timeout: 60_000 }, () => {
  test('typed lines go out as messages; what arrives is printed after "< "', async () => {
    const term = new TmuxCli(['-c', url]);
    await term.waitFor(/connected to ws:\/\/127\.0\.0\.1:\d+\/chat.* \(press Ctrl-C to quit\)/);
    term.line('hello there');
    await term.waitFor(/^> hello there\n< hello there$/m);
    term.line('json please');
    await term.waitFor(/< \{"user":"ada","tags":\["a",1,true,null\]\}/);
    assert.ok(received.includes('hello there'));
  });

  test('--json pretty-prints, --timestamps stamps each line', async () => {
    const term = new TmuxCli(['-c', url, '--json', '--timestamps']);
    await term.waitFor(/\d\d:\d\d:\d\d\.\d{3} connected to/);
    term.line('json please');
    const stamp = /^\d\d:\d\d:\d\d\.\d{3} /gm;
    await eventually(
      () => term.screen().replace(stamp, '').includes('< {\n    "user": "ada",\n    "tags": [\n      "a",\n      1,\n      true,\n      null\n    ]\n  }'),
      'pretty JSON',
    );
    assert.match(term.screen(), /^\d\d:\d\d:\d\d\.\d{3} < \{$/m);
  });

  test('slash commands: /ping shows the pong with -P, /close 1005 is refused, /close 4001 bye closes with it', async () => {
    const before = closes.length;
    const term = new TmuxCli(['-c', url, '--slash', '-P']);
    await term.waitFor(/connected to/);
    term.line('/ping are you there');
    await term.waitFor(/< pong "are you there" \(rtt \d+\.\d\d ms\)/);
    term.line('/binary 48 69 00');
    await term.waitFor(/< \[binary 3 B\]\n +00000000 +48 69 00 +\|Hi\.\|/);
    term.line('/close 1005');
    await term.waitFor(/error: close code 1005 may not be sent: .*--raw/);
    term.line('/nope');
    await term.waitFor(/error: unknown command \/nope \(try \/help\)/);
    term.line('//not a command');
    await term.waitFor(/< \/not a command/);
    term.line('/close 4001 bye now');
    await term.waitFor(/closed 4001 Private Use: "bye now"/);
    assert.equal(await term.exitCode(), 8);
    await eventually(() => closes.length > before, 'the server to see the close');
    assert.deepEqual(closes.at(-1), { code: 4001, reason: 'bye now' });
  });

  test('without --slash, a line starting with / is a message (as in wscat)', async () => {
    const term = new TmuxCli(['-c', url]);
    await term.waitFor(/connected to/);
    term.line('/ping');
    await term.waitFor(/< \/ping/);
  });

  test('colour at a terminal; none with NO_COLOR or --no-color', async () => {
    const coloured = new TmuxCli(['-c', url], { NO_COLOR: '' });
    await coloured.waitFor(/connected to/);
    coloured.line('paint me');
    await coloured.waitFor(/< paint me/);
    assert.match(coloured.screen(true), /\u001b\[34m< paint me/);
    for (const [args, env] of [
      [['-c', url], { NO_COLOR: '1' }],
      [['-c', url, '--no-color'], { NO_COLOR: '' }],
    ] as const) {
      const plain = new TmuxCli([...args], env);
      await plain.waitFor(/connected to/);
      plain.line('plain please');
      await plain.waitFor(/< plain please/);
      assert.doesNotMatch(plain.screen(true), /\u001b\[3\dm/);
    }
  });

  test('Ctrl-C closes with 1000 and exits 0', async () => {
    const before = closes.length;
    const term = new TmuxCli(['-c', url]);
    await term.waitFor(/connected to/);
    term.keys('C-c');
    await term.waitFor(/closed 1000 Normal Closure/);
    assert.equal(await term.exitCode(), 0);
    await eventually(() => closes.length > before, 'the server to see the close');
    assert.equal(closes.at(-1)?.code, 1000);
  });

  test('Ctrl-D on an empty line closes with 1000 and exits 0', async () => {
    const before = closes.length;
    const term = new TmuxCli(['-c', url]);
    await term.waitFor(/connected to/);
    term.keys('C-d');
    await term.waitFor(/closed 1000 Normal Closure/);
    assert.equal(await term.exitCode(), 0);
    await eventually(() => closes.length > before, 'the server to see the close');
    assert.equal(closes.at(-1)?.code, 1000);
  });

  test('history persists across runs in $WSCOPE_HISTORY; Up brings back earlier lines', async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'history');
      const first = new TmuxCli(['-c', url], { WSCOPE_HISTORY: file });
      await first.waitFor(/connected to/);
      first.line('first message');
      first.line('second message');
      await first.waitFor(/< second message/);
      first.keys('C-c');
      await first.exitCode();
      assert.equal(readFileSync(file, 'utf8'), 'first message\nsecond message\n');

      const second = new TmuxCli(['-c', url], { WSCOPE_HISTORY: file });
      await second.waitFor(/connected to/);
      second.keys('Up', 'Up');
      await second.waitFor(/^> first message$/m);
      second.keys('Enter');
      await second.waitFor(/< first message/);
      second.keys('C-c');
      await second.exitCode();
      assert.equal(readFileSync(file, 'utf8'), 'first message\nsecond message\nfirst message\n');
    } finally {
      dir.remove();
    }
  });
});

/** 8765 when it is free (the seed's port), else any free port. */
async function seedPort(): Promise<number> {
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(8765, () => probe.close(() => resolve(true)));
  });
  return free ? 8765 : freePort();
}

describe("the seed's two commands, in two terminals", { timeout: 60_000 }, () => {
  test('wscope -l 8765 and wscope -c ws://127.0.0.1:8765/status talk both ways', async () => {
    const port = await seedPort();
    const listener = new TmuxCli(['-l', String(port)]);
    await listener.waitFor(new RegExp(`listening on port ${port}`));
    // The main job says what to do next.
    await listener.waitFor(new RegExp(`connect from another terminal: wscope connect ws://localhost:${port}/`));
    const client = new TmuxCli(['-c', `ws://127.0.0.1:${port}/status`]);
    await client.waitFor(/connected to ws:\/\/127\.0\.0\.1:\d+\/status/);
    await listener.waitFor(/#1 connected from 127\.0\.0\.1:\d+ \/status/);

    client.line('hello from the client');
    await listener.waitFor(/< #1 hello from the client/);
    listener.line('hello from the server');
    await client.waitFor(/< hello from the server/);

    client.keys('C-c');
    assert.equal(await client.exitCode(), 0);
    await listener.waitFor(/#1 closed 1000 Normal Closure/);
    listener.keys('C-c');
    assert.equal(await listener.exitCode(), 0);
  });
});
