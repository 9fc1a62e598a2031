/**
 * `--jsonl` with the real CLI in a process: stdout is a trace (docs/trace.md) and nothing else,
 * every line valid, every record naming its connection, data byte for byte what travelled.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { afterEach, describe, test } from 'node:test';
import { WebSocket as WsClient } from 'ws';
import { decodeJsonl, decodePayload, WebSocketServer, type TraceEvent } from '../../src/index.js';
import { CliProcess, eventually, killAll, runCli } from './helpers.js';

const BINARY = Buffer.from([0xbe, 0xef, 0x00, 0x0a, 0xff]);
const TEXT = 'first line\nsecond line\r\nthird ✓';

afterEach(() => killAll());

function bytesOf(event: TraceEvent): Buffer {
  assert.ok('data' in event, `${event.event} has data`);
  return decodePayload(event.data, event.encoding);
}

/** The events of one connection reduced to what a test compares: event, dir, opcode and the bytes. */
function summary(events: TraceEvent[]): Array<[string, string, number | undefined, string]> {
  return events.map((event) => [event.event, event.dir, 'opcode' in event ? event.opcode : undefined, 'data' in event ? bytesOf(event).toString('hex') : '']);
}

const hex = (data: string | Buffer) => Buffer.from(data).toString('hex');

describe('--jsonl', { timeout: 120_000 }, () => {
  test('connect mode: handshake, text with newlines, binary with 0xbe, ping and pong both ways, close: all on stdout, exact', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (socket) => {
      socket.send(TEXT);
      socket.send(BINARY);
      socket.ping('from server');
      socket.on('message', (data: Buffer, isBinary: boolean) => socket.send(data, { binary: isBinary }));
    });
    await server.ready();
    try {
      const url = `ws://127.0.0.1:${server.address().port}/feed`;
      const result = await runCli(['-c', url, '--jsonl', '--slash', '-w', '0.5'], 'typed line\n/binary be00\n/ping hello\n');
      assert.equal(result.code, 0, result.stderr);
      const events = decodeJsonl(result.stdout);
      assert.ok(result.stdout.endsWith('\n'));
      const conns = new Set(events.map((e) => e.conn));
      assert.equal(conns.size, 1, 'one connection, one id');
      const [handshake] = events;
      assert.ok(handshake?.event === 'handshake' && handshake.role === 'client' && handshake.status === 101 && handshake.url === url);
      const received = events.filter((e) => e.dir === 'in' && e.event !== 'close');
      assert.deepEqual(summary(received.slice(0, 3)), [
        ['message', 'in', 1, hex(TEXT)],
        ['message', 'in', 2, hex(BINARY)],
        ['ping', 'in', 9, hex('from server')],
      ]);
      const text = received[0]!;
      assert.ok(text.event === 'message' && text.data === TEXT && text.encoding === 'utf8');
      // What the CLI sent, in order; its automatic pong may come anywhere among them (the server's
      // ping races the typed lines), and so may the echoes among the answers.
      const sent = events.filter((e) => e.dir === 'out' && e.event !== 'handshake' && e.event !== 'close');
      const autoPongs = sent.filter((e) => e.event === 'pong' && e.auto);
      assert.deepEqual(summary(autoPongs), [['pong', 'out', 10, hex('from server')]]);
      assert.deepEqual(summary(sent.filter((e) => !autoPongs.includes(e))), [
        ['message', 'out', 1, hex('typed line')],
        ['message', 'out', 2, 'be00'],
        ['ping', 'out', 9, hex('hello')],
      ]);
      assert.deepEqual(summary(received.slice(3)).sort(), [
        ['message', 'in', 1, hex('typed line')],
        ['message', 'in', 2, 'be00'],
        ['pong', 'in', 10, hex('hello')],
      ]);
      const close = events.at(-1)!;
      assert.ok(close.event === 'close' && close.code === 1000 && close.clean && close.dir === 'out' && close.name === 'Normal Closure', JSON.stringify(close));
      assert.match(result.stderr, /connected to/, 'status still goes to stderr');
    } finally {
      await server.close();
    }
  });

  test('listen mode: several clients, each record names its connection; text, binary, ping/pong, close codes', async () => {
    const cli = new CliProcess(['-l', '0', '--host', '127.0.0.1', '--echo', '--jsonl']);
    const port = Number((await cli.waitFor('stderr', /listening on port (\d+)/))[1]);
    const open = async (path: string) => {
      const ws = new WsClient(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });
      await once(ws, 'open');
      return ws;
    };
    const a = await open('/a');
    const b = await open('/b');
    const echoes = (ws: WsClient, count: number) =>
      new Promise<Buffer[]>((resolve) => {
        const seen: Buffer[] = [];
        ws.on('message', (data: Buffer) => {
          seen.push(data);
          if (seen.length === count) resolve(seen);
        });
      });
    const aEcho = echoes(a, 1);
    const bEcho = echoes(b, 1);
    a.send(TEXT);
    b.send(BINARY);
    await Promise.all([aEcho, bEcho]);
    const pong = once(a, 'pong');
    a.ping('ping from a');
    await pong;
    a.close(1000, 'done');
    b.close(4001, 'bye');
    await Promise.all([once(a, 'close'), once(b, 'close')]);
    await eventually(() => (cli.stdout.match(/"event":"close"/g) ?? []).length === 2, 'both close events');
    cli.child.kill('SIGTERM');
    const result = await cli.result();
    assert.equal(result.code, 0, result.stderr);
    const events = decodeJsonl(result.stdout);
    const handshakes = events.filter((e) => e.event === 'handshake');
    assert.deepEqual(
      handshakes.map((e) => e.event === 'handshake' && e.target),
      ['/a', '/b'],
    );
    const [aConn, bConn] = handshakes.map((e) => e.conn);
    assert.notEqual(aConn, bConn);
    assert.deepEqual(new Set(events.map((e) => e.conn)), new Set([aConn, bConn]), 'every record belongs to one of the two');
    const of = (conn: number | undefined) => events.filter((e) => e.conn === conn);
    assert.deepEqual(summary(of(aConn).slice(1)), [
      ['message', 'in', 1, hex(TEXT)],
      ['message', 'out', 1, hex(TEXT)],
      ['ping', 'in', 9, hex('ping from a')],
      ['pong', 'out', 10, hex('ping from a')],
      ['close', 'in', 8, hex('done')],
    ]);
    assert.deepEqual(summary(of(bConn).slice(1)), [
      ['message', 'in', 2, hex(BINARY)],
      ['message', 'out', 2, hex(BINARY)],
      ['close', 'in', 8, hex('bye')],
    ]);
    const bClose = of(bConn).at(-1)!;
    assert.ok(bClose.event === 'close' && bClose.code === 4001 && bClose.reason === 'bye' && bClose.name === 'Private Use' && bClose.clean);
    // Nothing but the trace on stdout: the echoed text with its newline did not become lines of its own.
    assert.equal(result.stdout.split('\n').length, events.length + 1);
  });
});
