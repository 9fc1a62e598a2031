/**
 * Connect mode's defects, each run as a user meets it: a stdin that fails, Ctrl-C twice against
 * a peer that never answers Close, -x with --slash and --json, the hint for a slash command
 * typed without --slash, --timestamps on typed lines.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from '../../src/index.js';
import { BIN, CliProcess, eventually, frozenServer, killAll, killAllTmux, ROOT, runCli, TmuxCli } from './helpers.js';

let server: WebSocketServer;
let url: string;
const received: string[] = [];
const pings: string[] = [];

before(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await server.ready();
  url = `ws://127.0.0.1:${server.address().port}/`;
  server.on('connection', (socket: WebSocket) => {
    socket.on('ping', (data: Buffer) => pings.push(data.toString()));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const text = data.toString();
      received.push(text);
      if (text === 'json please') socket.send('{"user":"ada","n":1}');
      else socket.send(data, { binary: isBinary });
    });
  });
});

after(async () => {
  killAllTmux();
  killAll();
  await server.close();
});

afterEach(killAllTmux);

describe('connect mode', { timeout: 60_000 }, () => {
  test('a stdin that fails (reset) after a line: one error line, the line was sent, a clean close, exit code 1, no stack trace', async () => {
    // stdin is a TCP socket whose far end writes one line and then resets the connection. Only
    // the child reads it: our end is paused at once and closed once the child has its copy.
    const feeder: Server = createServer();
    const fed = new Promise<Socket>((resolve) => feeder.once('connection', resolve));
    await new Promise<void>((resolve) => feeder.listen(0, '127.0.0.1', resolve));
    const stdin = netConnect((feeder.address() as { port: number }).port, '127.0.0.1');
    stdin.pause();
    await new Promise((resolve) => stdin.once('connect', resolve));
    const feed = await fed;
    const child = spawn(process.execPath, [BIN, '-c', url, '-w', '-1'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: [stdin, 'pipe', 'pipe'] });
    stdin.destroy();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    await eventually(() => stderr.includes('connected to'), 'the connection');
    feed.write('sent before the reset\n');
    await eventually(() => stdout.includes('sent before the reset'), 'the echo of the line');
    feed.resetAndDestroy();
    const code = await closed;
    clearTimeout(timer);
    feeder.close();
    assert.equal(stdout, 'sent before the reset\n', 'the echo of the line read before the failure');
    assert.match(stderr, /^error: cannot read stdin: read ECONNRESET$/m);
    assert.match(stderr, /closed 1000 Normal Closure/);
    assert.doesNotMatch(stderr, /at |node:internal/);
    assert.equal(code, 1);
  });

  test('interactive: Ctrl-C starts the closing handshake; a second Ctrl-C exits at once when the peer never answers', async () => {
    const frozen = await frozenServer();
    try {
      const term = new TmuxCli(['-c', frozen.url]);
      await term.waitFor(/connected to/);
      term.keys('C-c');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.doesNotMatch(term.screen(), /\[exit/, 'the first Ctrl-C waits for the peer');
      const pressed = Date.now();
      term.keys('C-c');
      assert.equal(await term.exitCode(2000), 130);
      assert.ok(Date.now() - pressed < 2000);
    } finally {
      frozen.close();
    }
  });

  test('-x honours --slash: /ping goes out as a ping, not as text', async () => {
    const term = new TmuxCli(['-c', url, '--slash', '-x', '/ping hi-there', '-x', 'plain', '-w', '0.5']);
    assert.equal(await term.exitCode(5000), 0);
    assert.ok(pings.includes('hi-there'), `pings: ${JSON.stringify(pings)}`);
    assert.ok(!received.includes('/ping hi-there'));
    assert.ok(received.includes('plain'));
  });

  test('-x honours --json at a terminal: the reply is pretty-printed', async () => {
    const term = new TmuxCli(['-c', url, '--json', '-x', 'json please', '-w', '0.5']);
    await term.waitFor(/< \{\n +"user": "ada",\n +"n": 1\n +\}/);
    assert.equal(await term.exitCode(5000), 0);
  });

  test('without --slash, a typed line that looks like a slash command goes out as text, with a hint said once', async () => {
    const term = new TmuxCli(['-c', url]);
    await term.waitFor(/connected to/);
    term.line('/ping x');
    await term.waitFor(/< \/ping x/);
    await term.waitFor(/'\/ping x' was sent as a text message: slash commands are off in connect mode \(start with --slash\)/);
    term.line('/close 4000');
    await term.waitFor(/< \/close 4000/);
    await eventually(() => received.includes('/close 4000'), 'the text message');
    assert.equal(term.screen().match(/slash commands are off/g)?.length, 1, 'the hint is said once');
    term.keys('C-d');
    assert.equal(await term.exitCode(), 0);
  });

  test('--timestamps stamps the lines typed too, so request-to-reply time can be read off the screen', async () => {
    const term = new TmuxCli(['-c', url, '--timestamps']);
    await term.waitFor(/connected to/);
    term.line('stamp me');
    await term.waitFor(/^\d\d:\d\d:\d\d\.\d{3} > stamp me\n\d\d:\d\d:\d\d\.\d{3} < stamp me$/m);
    term.keys('C-d');
    assert.equal(await term.exitCode(), 0);
  });

  test('/close 99999 says why no flag can send it and which codes can be sent; the connection stays open', async () => {
    for (const raw of [[], ['--raw']]) {
      const result = await runCli(['-c', url, '--slash', ...raw], '/close 99999\nstill open\n');
      assert.match(
        result.stderr,
        /^error: close code 99999 cannot be sent: a Close frame's code is 2 bytes \(0-65535\); codes that may be sent: 1000-1003, 1007-1014, 3000-4999$/m,
      );
      assert.doesNotMatch(result.stderr, /--raw sends it/);
      assert.equal(result.stdout, 'still open\n');
    }
    const refused = await runCli(['-c', url, '--slash'], '/close 5000\n');
    assert.match(
      refused.stderr,
      /^error: close code 5000 may not be sent: .*; codes that may be sent: 1000-1003, 1007-1014, 3000-4999 \(--raw sends it anyway\)$/m,
    );
  });

  test('a frozen peer is cut when --help and README say: interval + T + 2T + 4T after the last pong (4 s with --ping-interval 0.5)', async () => {
    const frozen = await frozenServer();
    try {
      const cli = new CliProcess(['connect', frozen.url, '--ping-interval', '0.5', '-w', '-1']);
      await cli.waitFor('stderr', /connected to/);
      // The open is the last sign of life, as a pong would be: the heartbeat starts there.
      const opened = Date.now();
      const result = await cli.result(8000);
      const elapsed = Date.now() - opened;
      assert.match(result.stderr, /heartbeat: no pong after 3 pings \(waited 500 \+ 1000 \+ 2000 ms\); the connection is dead/);
      assert.equal(result.code, 6);
      // Timers never fire early; a loaded machine may fire them late.
      assert.ok(elapsed > 3900 && elapsed < 5500, `cut after ${elapsed} ms`);
    } finally {
      frozen.close();
    }
  });
});
