/**
 * Each fault of `wscope proxy`, as a tester uses it: the real CLI in a process between real
 * peers (ws, Python websockets, our own), each peer observing the fault's effect — times
 * measured, frames seen, codes received.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as connectTcp } from 'node:net';
import { after, afterEach, test } from 'node:test';
import { WebSocket as WsClient, WebSocketServer as WsServer } from 'ws';
import { type ObservedFrame, WebSocketServer, type WebSocket } from '../../src/index.js';
import { pythonPeer } from '../interop/python-peer.js';
import { echoServer } from '../node/helpers.js';
import { CliProcess, eventually, freePort, killAll, runCli, sleep } from './helpers.js';

afterEach(killAll);
after(() => pythonPeer.tearDown());

const servers: Array<{ close(): unknown }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** `wscope proxy --listen PORT --target TARGET ...faults`, once it accepts connections. */
async function startProxy(target: string, ...faults: string[]): Promise<{ url: string; cli: CliProcess }> {
  const port = await freePort();
  const cli = new CliProcess(['proxy', '--listen', String(port), '--target', target, ...faults]);
  let listening = false;
  for (const deadline = Date.now() + 8000; !listening; ) {
    if (cli.child.exitCode !== null) throw new Error(`wscope proxy exited ${cli.child.exitCode}: ${cli.stderr}`);
    listening = await new Promise<boolean>((resolve) => {
      const socket = connectTcp(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (!listening && Date.now() > deadline) throw new Error(`the proxy did not listen within 8 s: ${cli.stderr}`);
    if (!listening) await sleep(50);
  }
  return { url: `ws://127.0.0.1:${port}`, cli };
}

async function ourEcho(): Promise<string> {
  const { server, url } = await echoServer();
  servers.push(server);
  return url;
}

/** A `ws` server; each connection's socket and close are handed to `onConnection`. */
async function wsServer(
  onConnection: (socket: WsClient) => void = (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })),
  options: { perMessageDeflate?: boolean } = {},
) {
  const server = new WsServer({ port: 0, host: '127.0.0.1', ...options });
  await once(server, 'listening');
  servers.push(server);
  server.on('connection', onConnection);
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function openWs(url: string, options: ConstructorParameters<typeof WsClient>[2] = {}): Promise<WsClient> {
  const client = new WsClient(url, options);
  await once(client, 'open');
  return client;
}

function wsClosed(socket: WsClient): Promise<{ code: number; reason: string }> {
  return once(socket, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
}

test('--delay: each message is held the delay each way (bounded, loose), and a burst is not spread out', async () => {
  const { url } = await startProxy(await ourEcho(), '--delay', '150');
  const client = await openWs(url);
  const started = performance.now();
  const arrivals: number[] = [];
  const all = new Promise<void>((resolve) =>
    client.on('message', () => {
      arrivals.push(performance.now() - started);
      if (arrivals.length === 5) resolve();
    }),
  );
  for (let i = 0; i < 5; i++) client.send(`m${i}`);
  await all;
  client.close();
  assert.ok(arrivals[0]! >= 295, `the first echo came after ${arrivals[0]} ms: 150 ms each way at least`);
  assert.ok(arrivals[4]! < 300 + 500, `the fifth echo came after ${arrivals[4]} ms: the burst was spread out`);
});

test('--throttle: the far peer receives at the rate given (measured)', async () => {
  const url = await wsServer((socket) => {
    for (let i = 0; i < 10; i++) socket.send(Buffer.alloc(1000, i));
  });
  const { url: proxied } = await startProxy(url, '--throttle', 's2c:10k');
  const client = new WsClient(proxied);
  const started = performance.now();
  let bytes = 0;
  await new Promise<void>((resolve) =>
    client.on('message', (data: Buffer) => {
      bytes += data.length;
      if (bytes === 10_000) resolve();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  client.close();
  const rate = bytes / seconds;
  assert.ok(rate <= 10_500 && rate >= 7000, `${bytes} bytes in ${seconds.toFixed(3)} s: ${rate.toFixed(0)} B/s, expected about 10 000`);
});

test('--refragment: the server sees every message in N-byte frames, continuations after the first, RSV1 only on the first when compressed', async () => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(server);
  await server.ready();
  const frames: ObservedFrame[] = [];
  const received: Array<[string, boolean]> = [];
  server.on('connection', (socket: WebSocket) => {
    socket.on('frame', (frame: ObservedFrame) => {
      if (frame.direction === 'in') frames.push(frame);
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => received.push([data.toString(), isBinary]));
  });
  const { url } = await startProxy(`ws://127.0.0.1:${server.address().port}`, '--refragment', 'c2s:4');
  const client = await openWs(url, { perMessageDeflate: false });
  client.send('abcdefghij');
  client.send(Buffer.from('123456789'));
  await eventually(() => received.length === 2, 'both messages');
  assert.deepEqual(received, [
    ['abcdefghij', false],
    ['123456789', true],
  ]);
  assert.deepEqual(
    frames.filter((f) => f.opcode < 8).map((f) => [f.opcode, f.fin, f.payload.length]),
    [
      [1, false, 4],
      [0, false, 4],
      [0, true, 2],
      [2, false, 4],
      [0, false, 4],
      [0, true, 1],
    ],
  );
  client.close();

  frames.length = 0;
  received.length = 0;
  const compressing = await openWs(url, { perMessageDeflate: { threshold: 0 } });
  assert.match(compressing.extensions, /permessage-deflate/);
  const text = 'compress me '.repeat(40);
  compressing.send(text);
  await eventually(() => received.length === 1, 'the compressed message');
  assert.deepEqual(received, [[text, false]]);
  const data = frames.filter((f) => f.opcode < 8);
  assert.ok(data.length > 1, `the compressed message came in ${data.length} frame(s)`);
  assert.deepEqual(
    data.map((f) => [f.rsv1, f.fin, f.payload.length <= 4]),
    data.map((_, i) => [i === 0, i === data.length - 1, true]),
  );
  assert.ok(data.slice(0, -1).every((f) => f.payload.length === 4));
  compressing.close();
});

test('--drop-messages: messages are lost whole, in order otherwise, and every drop is reported; compressed ones too, the sender asked to compress each on its own', async () => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(server);
  await server.ready();
  const received: string[] = [];
  let pinged = false;
  server.on('connection', (socket: WebSocket) => {
    socket.on('message', (data: Buffer) => received.push(data.toString()));
    socket.on('ping', () => (pinged = true));
  });
  const { url, cli } = await startProxy(`ws://127.0.0.1:${server.address().port}`, '--drop-messages', 'c2s:0.5');
  // RFC 7692: with a shared LZ77 window the server could not inflate what follows a dropped message.
  const client = new WsClient(url, { perMessageDeflate: { threshold: 0 } });
  const opened = once(client, 'open');
  const [response] = (await once(client, 'upgrade')) as [{ headers: Record<string, string> }];
  await opened;
  assert.match(response.headers['sec-websocket-extensions'] ?? '', /^permessage-deflate;.*client_no_context_takeover/);
  const sent = Array.from({ length: 100 }, (_, i) => `message ${i}`);
  for (const message of sent) client.send(message);
  // Control frames are never dropped, and come after every message sent before them.
  client.ping();
  await eventually(() => pinged, 'the ping after the messages');
  const drops = await eventually(() => {
    const lines = cli.stderr.match(/^#1 client → server: drop-messages dropped a text message .*$/gm) ?? [];
    return lines.length === sent.length - received.length && lines;
  }, `one report per message lost (${cli.stderr})`);
  client.close();
  assert.ok(received.length > 0 && received.length < sent.length, `${received.length} of ${sent.length} arrived`);
  assert.deepEqual(
    received,
    sent.filter((message) => received.includes(message)),
    'in order',
  );
  assert.equal(drops.length, sent.length - received.length);
});

/**
 * The code the far peer failed the connection with, as the sender sees it: the relay passes on
 * the Close the far peer sent (neither ws nor Python websockets waits for the answer to it).
 */
const CORRUPT_CASES = [
  { peer: 'ws', compressed: false, code: 1007 },
  { peer: 'Python websockets', compressed: false, code: 1007 },
  { peer: 'ws', compressed: true, code: 1007 },
  { peer: 'Python websockets', compressed: true, code: 1002 },
] as const;

for (const { peer, compressed, code } of CORRUPT_CASES) {
  test(`--corrupt: a ${compressed ? 'compressed' : 'plain'} text message corrupted makes the far peer (${peer}) fail the connection with ${code}, which the sender sees`, async () => {
    /** ws: the error it failed the connection with (its own close event says 1006: it does not wait for the answer to its Close). Python: its report. */
    let farSide: Promise<string>;
    let target: string;
    if (peer === 'ws') {
      let failed: (message: string) => void = () => {};
      farSide = new Promise((resolve) => (failed = resolve));
      target = await wsServer((socket) => socket.on('error', (error) => failed(error.message)), { perMessageDeflate: compressed });
    } else {
      await pythonPeer.setUp();
      const python = await pythonPeer.startServer();
      servers.push({ close: () => python.stop() });
      target = `ws://127.0.0.1:${python.port}`;
      farSide = python.report('corrupt', 8000).then((report) => `closed ${report.closeCode}`);
    }
    const { url, cli } = await startProxy(target, '--corrupt', 'c2s');
    const client = await openWs(`${url}/echo?id=corrupt`, { perMessageDeflate: compressed ? { threshold: 0 } : false });
    assert.equal(client.extensions.includes('permessage-deflate'), compressed);
    const closed = wsClosed(client);
    client.send('hello, server');
    assert.equal((await closed).code, code);
    const far = await farSide;
    if (peer === 'ws') assert.match(far, compressed ? /invalid block type/ : /invalid UTF-8 sequence/);
    else assert.match(far, /^closed (1006|1007|1002)$/, 'Python ended the connection');
    const report = compressed
      ? /^#1 client → server: corrupt gave a compressed text message a reserved deflate block type \(byte 0: 0x[0-9a-f]{2} → 0x[0-9a-f]{2}\)$/m
      : /^#1 client → server: corrupt flipped byte \d+ of a text message \(0x[0-9a-f]{2} → 0x[0-9a-f]{2}\)$/m;
    await cli.waitFor('stderr', report);
  });
}

test('--close-after N --close-code --close-reason: after N messages both ends see the code and reason', async () => {
  let serverClose: Promise<{ code: number; reason: string }> = Promise.resolve({ code: 0, reason: '' });
  const got: string[] = [];
  const target = await wsServer((socket) => {
    serverClose = wsClosed(socket);
    socket.on('message', (data) => got.push(String(data)));
  });
  const { url, cli } = await startProxy(target, '--close-after', 'c2s:3', '--close-code', '4000', '--close-reason', 'bye');
  const client = await openWs(url);
  const closed = wsClosed(client);
  for (const message of ['1', '2', '3']) client.send(message);
  assert.deepEqual(await closed, { code: 4000, reason: 'bye' });
  assert.deepEqual(await serverClose, { code: 4000, reason: 'bye' });
  assert.deepEqual(got, ['1', '2', '3']);
  await cli.waitFor('stderr', /close-after closed both legs with 4000 after 3 messages/);
});

test('--close-after S: an idle connection is closed after the time, both ends seeing the code', async () => {
  let serverClose: Promise<{ code: number; reason: string }> = Promise.resolve({ code: 0, reason: '' });
  const target = await wsServer((socket) => (serverClose = wsClosed(socket)));
  const { url } = await startProxy(target, '--close-after', '300ms', '--close-code', '4001');
  const client = await openWs(url);
  const started = performance.now();
  const closed = await wsClosed(client);
  const elapsed = performance.now() - started;
  assert.equal(closed.code, 4001);
  assert.equal((await serverClose).code, 4001);
  assert.ok(elapsed >= 250 && elapsed < 2000, `closed after ${elapsed} ms`);
});

for (const [when, said] of [
  ['c2s:2', 'after 2 messages'],
  ['300ms', 'after 300 ms'],
] as const) {
  test(`--reset-after ${when}: both ends see 1006, no closing handshake`, async () => {
    let serverClose: Promise<{ code: number; reason: string }> = Promise.resolve({ code: 0, reason: '' });
    const target = await wsServer((socket) => {
      serverClose = wsClosed(socket);
      socket.on('error', () => {});
    });
    const { url, cli } = await startProxy(target, '--reset-after', when);
    const client = await openWs(url);
    client.on('error', () => {});
    const closed = wsClosed(client);
    client.send('a');
    client.send('b');
    assert.equal((await closed).code, 1006);
    assert.equal((await serverClose).code, 1006);
    await cli.waitFor('stderr', new RegExp(`^#1 client → server: reset-after reset both legs \\(TCP RST, no closing handshake\\) ${said}$`, 'm'));
  });
}

test('--stall-after: the proxy stops reading the sender, whose bufferedAmount grows while the far side gets nothing; other connections go on', async () => {
  const got: string[] = [];
  const target = await wsServer((socket) =>
    socket.on('message', (data, isBinary) => {
      got.push(isBinary ? `${(data as Buffer).length} bytes` : String(data));
      socket.send(data, { binary: isBinary });
    }),
  );
  const { url, cli } = await startProxy(target, '--stall-after', 'c2s:1@1');
  const stalled = await openWs(url, { perMessageDeflate: false });
  // In one write with the first: the proxy reads it with the first, and must hold it.
  stalled.send('first');
  stalled.send('second');
  await eventually(() => got.length === 1, 'the first message');
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 40; i++) stalled.send(chunk);
  await sleep(1000);
  assert.ok(stalled.bufferedAmount > 16 * 1024 * 1024, `bufferedAmount ${stalled.bufferedAmount}: the proxy kept reading`);
  assert.deepEqual(got, ['first'], 'nothing after the stall reached the server');
  await cli.waitFor('stderr', /stall-after stopped reading from the client after 1 message/);

  const other = await openWs(url);
  const echoes: string[] = [];
  other.on('message', (data) => echoes.push(String(data)));
  for (const message of ['x', 'y', 'z']) other.send(message);
  await eventually(() => echoes.length === 3, 'the second connection’s echoes');
  assert.deepEqual(echoes, ['x', 'y', 'z']);
  other.close();
  stalled.terminate();
});

test('a bad fault flag: one line on stderr, exit 2', async () => {
  for (const [args, message] of [
    [['--delay', 'soon'], /^error: --delay 'soon': expected MS\[±JITTER\] in milliseconds/],
    [['--close-code', '1006', '--close-after', '1'], /^error: --close-code '1006': expected a code a Close frame may carry/],
    [['--close-code', '4000'], /--close-code and --close-reason need --close-after/],
    [['--refragment', 'c2x:4'], /unknown direction 'c2x'/],
  ] as const) {
    const result = await runCli(['proxy', '--listen', '0', '--target', 'ws://127.0.0.1:9', ...args], undefined);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr.split('\n')[0]!, message);
  }
});
