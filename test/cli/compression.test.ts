/**
 * permessage-deflate in the CLI: --show-frames ends each message with whether it travelled
 * compressed and both sizes (on stderr in pipe mode, stdout untouched), --no-compression leaves
 * that line out, and at a terminal a compressed message is tagged `[deflate wire → inflated B]`.
 */
import { after, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocketServer, connect, type WebSocket } from '../../src/index.js';
import { CliProcess, freePort, killAll, killAllTmux, TmuxCli } from './helpers.js';

const BIG = 'wscope '.repeat(500);

/** A server that sends every client a 3500-byte text, then "hello", then closes with 1000. */
async function sendingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await server.ready();
  server.on('connection', (socket: WebSocket) => {
    socket.send(BIG);
    socket.send('hello');
    socket.close(1000);
  });
  return { url: `ws://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

after(() => {
  killAll();
  killAllTmux();
});

describe('CLI: compressed messages in the frame view', { timeout: 120_000 }, () => {
  afterEach(killAll);

  test('--show-frames in pipe mode: each message says whether it was compressed, with both sizes', async () => {
    const server = await sendingServer();
    try {
      const result = await new CliProcess(['-c', server.url, '--show-frames']).result();
      assert.equal(result.stdout, `${BIG}\nhello\n`, 'stdout holds the messages and nothing else');
      const frame = result.stderr.match(/^< frame text fin=1 rsv=100 len=(\d+)$/m);
      assert.ok(frame, `a compressed frame in ${JSON.stringify(result.stderr)}`);
      const wire = Number(frame[1]);
      assert.ok(wire < 100, `${wire} bytes on the wire for 3500`);
      assert.match(result.stderr, new RegExp(`^< message text 3500 B \\(deflate, ${wire} B on the wire\\)$`, 'm'));
      assert.match(result.stderr, /^< frame text fin=1 rsv=000 len=5\n< message text 5 B \(not compressed\)$/m);
      assert.equal(result.code, 0);
    } finally {
      await server.close();
    }
  });

  test('--no-compression: frames at full size, no message lines', async () => {
    const server = await sendingServer();
    try {
      const result = await new CliProcess(['-c', server.url, '--show-frames', '--no-compression']).result();
      assert.equal(result.stdout, `${BIG}\nhello\n`);
      assert.match(result.stderr, /^< frame text fin=1 rsv=000 len=3500$/m);
      assert.doesNotMatch(result.stderr, /< message/);
    } finally {
      await server.close();
    }
  });

  test('listen mode: what a client sends compressed shows the same way', async () => {
    const port = await freePort();
    const cli = new CliProcess(['-l', String(port), '--show-frames']);
    try {
      await cli.waitFor('stderr', /listening on port/);
      const client = await connect(`ws://127.0.0.1:${port}/`);
      client.send(BIG);
      await cli.waitFor('stdout', /wscope wscope/);
      await cli.waitFor('stderr', /^< message text 3500 B \(deflate, \d+ B on the wire\)$/m);
      assert.match(cli.stderr, /^< frame text fin=1 rsv=100 mask=[0-9a-f]{8} len=\d+$/m);
      client.close();
      await once(client, 'close');
    } finally {
      cli.kill();
    }
  });

  test('at a terminal, a compressed message is tagged with its wire and inflated sizes', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.ready();
    server.on('connection', (socket: WebSocket) =>
      socket.on('message', (data: Buffer) => socket.send(data.toString() === 'big' ? 'x'.repeat(3000) : data.toString())),
    );
    try {
      const term = new TmuxCli(['-c', `ws://127.0.0.1:${server.address().port}`]);
      await term.waitFor(/connected to .*permessage-deflate/);
      term.line('big');
      await term.waitFor(/^< x{3000} {2}\[deflate \d+ → 3000 B\]$/m);
      term.line('small');
      await term.waitFor(/^< small$/m);
      term.kill();
    } finally {
      await server.close();
    }
  });
});
