import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, describe, test } from 'node:test';
import { deflateRawSync, constants as zlibConstants } from 'node:zlib';
import { connect, Opcode, WebSocketServer, type ObservedFrame, type ServerOptions, type WebSocket } from '../../src/index.js';
import { closed } from '../node/helpers.js';
import { startProxy } from './helpers.js';

/**
 * The relay frame by frame, between our own client and server, which see every frame on the
 * wire ('frame') and can send any (sendFrame): what one end puts on the wire, the other end
 * reads, frame for frame.
 */

interface Setup {
  upstream: WebSocketServer;
  proxy: Awaited<ReturnType<typeof startProxy>>;
  /** The next connection the upstream accepts. */
  next(): Promise<WebSocket>;
}

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

async function setUp(serverOptions: ServerOptions = {}): Promise<Setup> {
  const upstream = new WebSocketServer({ port: 0, host: '127.0.0.1', closeTimeout: 2000, ...serverOptions });
  await upstream.ready();
  const waiting: Array<(socket: WebSocket) => void> = [];
  upstream.on('connection', (socket: WebSocket) => waiting.shift()?.(socket));
  const proxy = await startProxy(`ws://127.0.0.1:${upstream.address().port}`);
  running.push(async () => {
    await proxy.close();
    await upstream.close();
  });
  return { upstream, proxy, next: () => new Promise((resolve) => waiting.push(resolve)) };
}

/** Frames arriving on `socket`, as they come. */
function framesIn(socket: WebSocket): ObservedFrame[] {
  const frames: ObservedFrame[] = [];
  socket.on('frame', (frame: ObservedFrame) => {
    if (frame.direction === 'in') frames.push(frame);
  });
  return frames;
}

function shape(frames: ObservedFrame[]): Array<{ opcode: number; fin: boolean; rsv1: boolean; payload: string }> {
  return frames.map((f) => ({ opcode: f.opcode, fin: f.fin, rsv1: f.rsv1, payload: f.payload.toString('hex') }));
}

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('relay: fragments', () => {
  test('a client message in three frames reaches the server in the same three frames, cut where they were cut (inside a character too)', async () => {
    const { proxy, next } = await setUp({ perMessageDeflate: false });
    const serverSide = next();
    const client = await connect(`${proxy.url}/`, { perMessageDeflate: false });
    const server = await serverSide;
    const frames = framesIn(server);
    const got = once(server, 'message');
    const text = Buffer.from('héllo, 日本語 ✓');
    const pieces = [text.subarray(0, 2), text.subarray(2, 9), text.subarray(9)];
    pieces.forEach((payload, i) => client.sendFrame({ opcode: i === 0 ? Opcode.Text : Opcode.Continuation, fin: i === 2, payload, mask: true }));
    const [data, binary] = (await got) as [Buffer, boolean];
    assert.equal(binary, false);
    assert.deepEqual(data, text);
    assert.deepEqual(
      shape(frames),
      pieces.map((payload, i) => ({ opcode: i === 0 ? 1 : 0, fin: i === 2, rsv1: false, payload: payload.toString('hex') })),
    );
    client.close(1000);
    await closed(client);
  });

  test('a server message in frames with a ping between them reaches the client so, the ping answered by the client, not by us', async () => {
    const { proxy, next } = await setUp({ perMessageDeflate: false, autoPong: false });
    const serverSide = next();
    const client = await connect(`${proxy.url}/`, { perMessageDeflate: false });
    const server = await serverSide;
    const frames = framesIn(client);
    const pong = once(server, 'pong');
    const bytes = Buffer.from([0xbe, 0xef, 0x00, 0x01, 0xff]);
    server.sendFrame({ opcode: Opcode.Binary, fin: false, payload: bytes.subarray(0, 2) });
    server.sendFrame({ opcode: Opcode.Ping, fin: true, payload: Buffer.from('mid-message') });
    server.sendFrame({ opcode: Opcode.Continuation, fin: true, payload: bytes.subarray(2) });
    const [answer] = (await pong) as [Buffer];
    assert.equal(answer.toString(), 'mid-message');
    await until(() => frames.length === 3, 'three frames at the client');
    assert.deepEqual(shape(frames), [
      { opcode: 2, fin: false, rsv1: false, payload: 'beef' },
      { opcode: 9, fin: true, rsv1: false, payload: Buffer.from('mid-message').toString('hex') },
      { opcode: 0, fin: true, rsv1: false, payload: '0001ff' },
    ]);
    client.close(1000);
    await closed(client);
  });
});

describe('relay: pings and pongs', () => {
  test('a ping goes through and only the far end answers it; a pong the far end sends unasked goes through too', async () => {
    const { proxy, next } = await setUp({ autoPong: false });
    const serverSide = next();
    const client = await connect(`${proxy.url}/`);
    const server = await serverSide;
    const pongs: string[] = [];
    client.on('pong', (data: Buffer) => pongs.push(data.toString()));
    const pinged = once(server, 'ping');
    client.ping('are you there ✓');
    const [payload] = (await pinged) as [Buffer];
    assert.equal(payload.toString(), 'are you there ✓');
    // The server does not answer (autoPong off): neither must the proxy.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(pongs, []);
    server.pong('unasked');
    await until(() => pongs.length === 1, 'the pong');
    assert.deepEqual(pongs, ['unasked']);
    client.close(1000);
    await closed(client);
  });
});

/** RFC 6455 §7.4.1 and the IANA registry: every code an endpoint may put in a Close frame, the ends of the private ranges included. */
const SENDABLE = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4001, 4999];

for (const compression of [false, true]) {
  describe(`relay: close codes, permessage-deflate ${compression ? 'on' : 'off'}`, () => {
    for (const from of ['client', 'server'] as const) {
      test(`every sendable code and its reason, sent by the ${from}, reaches the other end; an empty Close is 1005 there`, async () => {
        const { proxy, next } = await setUp({ perMessageDeflate: compression });
        for (const code of [...SENDABLE, undefined]) {
          const serverSide = next();
          const client = await connect(`${proxy.url}/`, { perMessageDeflate: compression });
          const server = await serverSide;
          assert.equal(client.extensions !== '', compression);
          const reason = code === undefined ? '' : `code ${code} — fermé ✓`;
          const [closer, other] = from === 'client' ? [client, server] : [server, client];
          const seen = closed(other);
          const done = closed(closer);
          closer.close(code, reason);
          const outcome = await seen;
          assert.deepEqual({ code: outcome.code, reason: outcome.reason }, { code: code ?? 1005, reason }, `code ${code}`);
          assert.equal((await done).code, code ?? 1005);
        }
      });
    }
  });
}

describe('relay: ends without a Close', () => {
  test('a client that drops TCP: the server sees 1006 too', async () => {
    const { proxy, next } = await setUp();
    const serverSide = next();
    const client = await connect(`${proxy.url}/`);
    const server = await serverSide;
    const seen = closed(server);
    client.terminate();
    assert.equal((await seen).code, 1006);
  });

  test('a server that drops TCP: the client sees 1006 too', async () => {
    const { proxy, next } = await setUp();
    const serverSide = next();
    const client = await connect(`${proxy.url}/`);
    const server = await serverSide;
    const seen = closed(client);
    server.terminate();
    assert.equal((await seen).code, 1006);
  });

  test('a client breaking the protocol (RSV2): it gets 1002 from the proxy, and the server is closed with 1002 and why', async () => {
    const { proxy, next } = await setUp();
    const serverSide = next();
    const client = await connect(`${proxy.url}/`);
    const server = await serverSide;
    const seen = closed(server);
    const own = closed(client);
    client.sendFrame({ opcode: Opcode.Text, rsv2: true, payload: Buffer.from('x'), mask: true });
    assert.deepEqual(await seen, { code: 1002, reason: 'RSV2 and RSV3 must be clear', wasClean: true });
    assert.equal((await own).code, 1002);
  });
});

describe('relay: a Close with a code no endpoint may send', () => {
  for (const code of [1005, 1006, 999, 2999]) {
    test(`${code} from the client: its leg fails it with 1002, and the server is closed with 1002, not ${code}`, async () => {
      const { proxy, next } = await setUp();
      const serverSide = next();
      const client = await connect(`${proxy.url}/`);
      const server = await serverSide;
      const atServer = framesIn(server);
      const seen = closed(server);
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      client.sendFrame({ opcode: Opcode.Close, payload, mask: true });
      const outcome = await seen;
      assert.equal(outcome.code, 1002);
      assert.match(outcome.reason, /close code/i);
      assert.deepEqual(
        atServer.filter((frame) => frame.opcode === Opcode.Close).map((frame) => frame.payload.readUInt16BE(0)),
        [1002],
      );
      if (client.readyState !== client.CLOSED) await closed(client);
    });
  }
});

describe('relay: permessage-deflate', () => {
  test('compressed frames are relayed as they came, bytes and fragments, each leg within its own agreement', async () => {
    // The upstream holds clients to a 512-byte window; the client offers client_max_window_bits: the client leg agrees to 9 as well.
    const { proxy, next } = await setUp({ perMessageDeflate: { clientMaxWindowBits: 9 } });
    const serverSide = next();
    const client = await connect(`${proxy.url}/`);
    const server = await serverSide;
    assert.match(client.extensions, /client_max_window_bits=9/);
    const sent: ObservedFrame[] = [];
    client.on('frame', (frame: ObservedFrame) => {
      if (frame.direction === 'out') sent.push(frame);
    });
    const atServer = framesIn(server);
    const received: Array<{ data: string; compressed: boolean }> = [];
    server.on('message', (data: Buffer, _binary: boolean, info: { compressed: boolean }) =>
      received.push({ data: data.toString(), compressed: info.compressed }),
    );
    // Context takeover: each message refers back to the ones before it.
    const texts = Array.from({ length: 5 }, (_, i) => `${'the same words again and again, '.repeat(60)}${i}`);
    for (const text of texts) client.send(text);
    await until(() => received.length === texts.length, 'five messages at the server');
    assert.deepEqual(
      received,
      texts.map((data) => ({ data, compressed: true })),
    );
    assert.deepEqual(shape(atServer), shape(sent));

    // A compressed message in three frames, made by hand: RSV1 on the first only (RFC 7692 §6).
    const toClient = framesIn(client);
    const inflatedAtClient = once(client, 'message');
    const message = Buffer.from('fragmented and compressed ✓ '.repeat(100));
    const deflated = deflateRawSync(message, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    const body = deflated.subarray(0, deflated.length - 4);
    const cuts = [0, 5, 20, body.length];
    for (let i = 0; i < 3; i++)
      server.sendFrame({ opcode: i === 0 ? Opcode.Text : Opcode.Continuation, fin: i === 2, rsv1: i === 0, payload: body.subarray(cuts[i], cuts[i + 1]) });
    const [data, , info] = (await inflatedAtClient) as [Buffer, boolean, { compressed: boolean; wireLength: number }];
    assert.deepEqual(data, message);
    assert.deepEqual(info, { compressed: true, wireLength: body.length });
    assert.deepEqual(
      shape(toClient),
      [0, 1, 2].map((i) => ({ opcode: i === 0 ? 1 : 0, fin: i === 2, rsv1: i === 0, payload: body.subarray(cuts[i], cuts[i + 1]).toString('hex') })),
    );
    client.close(1000);
    await closed(client);
  });

  test('a client that offers no compression: neither leg compresses', async () => {
    const { proxy, next } = await setUp();
    const serverSide = next();
    const client = await connect(`${proxy.url}/`, { perMessageDeflate: false });
    const server = await serverSide;
    assert.equal(client.extensions, '');
    assert.equal(server.extensions, '');
    client.close(1000);
    await closed(client);
  });

  test('an upstream that declines compression: the client leg declines too', async () => {
    const { proxy, next } = await setUp({ perMessageDeflate: false });
    const serverSide = next();
    const client = await connect(`${proxy.url}/`);
    await serverSide;
    assert.equal(client.extensions, '');
    client.close(1000);
    await closed(client);
  });
});

after(() => undefined);
