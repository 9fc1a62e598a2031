/**
 * The third argument of 'message' (MessageInfo): whether a message arrived compressed and its
 * size on the wire, checked against the frames the same socket observed; absent when
 * permessage-deflate was not agreed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, constants } from 'node:zlib';
import { connect, Opcode, WebSocketServer, type MessageInfo, type ObservedFrame, type ServerOptions, type WebSocket } from '../../src/index.js';
import { closed } from './helpers.js';

interface Received {
  data: Buffer;
  /** Every argument after `isBinary`. */
  rest: unknown[];
}

/** A server whose first connection records its messages and the data frames it reads. */
async function recordingServer(options: ServerOptions = {}) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  const received: Received[] = [];
  const frames: ObservedFrame[] = [];
  const connected = new Promise<WebSocket>((resolve) => {
    server.once('connection', (socket: WebSocket) => {
      socket.on('frame', (frame: ObservedFrame) => {
        if (frame.direction === 'in' && frame.opcode <= Opcode.Binary) frames.push(frame);
      });
      socket.on('message', (data: Buffer, _isBinary: boolean, ...rest: unknown[]) => {
        received.push({ data, rest });
        socket.send(data);
      });
      resolve(socket);
    });
  });
  await server.ready();
  return { server, url: `ws://127.0.0.1:${server.address().port}`, received, frames, connected };
}

function nextMessage(socket: WebSocket): Promise<[Buffer, boolean, MessageInfo | undefined]> {
  return new Promise((resolve) => socket.once('message', (data: Buffer, isBinary: boolean, info?: MessageInfo) => resolve([data, isBinary, info])));
}

describe("'message' with permessage-deflate agreed: { compressed, wireLength }", { timeout: 10_000 }, () => {
  test('a compressed message reports its wire size (the frames read), an uncompressed one its own length', async () => {
    const { server, url, received, frames } = await recordingServer();
    try {
      const client = await connect(url);
      const big = 'wscope '.repeat(500);
      client.send(big);
      await nextMessage(client);
      client.send('hello');
      await nextMessage(client);
      client.close();
      await closed(client);
      assert.equal(received.length, 2);
      assert.equal(received[0]!.data.toString(), big);
      assert.ok(frames[0]!.rsv1, 'the 3500-byte message travelled compressed');
      assert.deepEqual(received[0]!.rest, [{ compressed: true, wireLength: frames[0]!.payloadLength }]);
      assert.ok(frames[0]!.payloadLength < 100, `${frames[0]!.payloadLength} bytes on the wire`);
      assert.deepEqual(received[1]!.rest, [{ compressed: false, wireLength: 5 }]);
      assert.equal(frames[1]!.rsv1, false);
    } finally {
      await server.close();
    }
  });

  test('a compressed message in several frames reports all their payloads together', async () => {
    const { server, url, received, frames } = await recordingServer();
    try {
      const client = await connect(url);
      const payload = deflateRawSync('fragmented '.repeat(200), { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, -4);
      client.sendFrame({ opcode: Opcode.Text, payload: payload.subarray(0, 10), fin: false, rsv1: true, mask: true });
      client.sendFrame({ opcode: Opcode.Continuation, payload: payload.subarray(10, 12), fin: false, mask: true });
      client.sendFrame({ opcode: Opcode.Continuation, payload: payload.subarray(12), mask: true });
      await nextMessage(client);
      client.close();
      await closed(client);
      assert.equal(frames.length, 3);
      assert.equal(received[0]!.data.toString(), 'fragmented '.repeat(200));
      assert.deepEqual(received[0]!.rest, [{ compressed: true, wireLength: payload.length }]);
    } finally {
      await server.close();
    }
  });

  test('the client side reports the same for what the server sends', async () => {
    const { server, url } = await recordingServer();
    try {
      const client = await connect(url);
      const reply = nextMessage(client);
      client.send(Buffer.alloc(100_000));
      const [data, isBinary, info] = await reply;
      assert.equal(data.length, 100_000);
      assert.equal(isBinary, true);
      assert.equal(info?.compressed, true);
      assert.ok(info.wireLength > 0 && info.wireLength < 1000, `${info.wireLength} bytes on the wire`);
      client.close();
      await closed(client);
    } finally {
      await server.close();
    }
  });

  test('without permessage-deflate there is no third argument', async () => {
    const { server, url, received } = await recordingServer({ perMessageDeflate: false });
    try {
      const client = await connect(url);
      const reply = nextMessage(client);
      client.send('x'.repeat(5000));
      const [, , info] = await reply;
      assert.equal(info, undefined);
      client.close();
      await closed(client);
      assert.deepEqual(received[0]!.rest, []);
    } finally {
      await server.close();
    }
  });
});
