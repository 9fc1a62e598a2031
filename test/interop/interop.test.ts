import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type ClientOptions, type WebSocket } from '../../src/index.js';
import { chromiumPeer } from './chromium-peer.js';
import { INVALID_FRAMES, OurServer, sendInThirds, sendInvalidFrame } from './our-server.js';
import type { Peer, PeerServer } from './peer.js';
import { pythonPeer } from './python-peer.js';
import { SocketLog } from './recorder.js';
import { expectedMessage, messageEvent, payloadBytes, type ClientEvent, type ClientStep, type Payload } from './script.js';
import { wsPeer } from './ws-peer.js';

/**
 * One interop suite, run against every real peer (STYLE.md habit 7), in both roles where the
 * peer has both. Missing peers (no Python websockets, no Chromium) fail the suite: they are
 * installed by .ci/run, and a silent skip would hide a lost interop check.
 */
const PEERS: Peer[] = [wsPeer, pythonPeer, chromiumPeer];

const TEXTS: Record<string, string> = {
  'ASCII text': 'hello, interop',
  'multi-byte UTF-8 text': 'héllo wörld — 日本語 — 🎉𝄞',
  // Large enough for peers to cut it into frames or reads anywhere, inside characters too.
  'large multi-byte UTF-8 text (320 KB)': 'é日本語🎉 '.repeat(20_000),
};
const BINARY_SIZES = [0, 125, 126, 65535, 65536, 1024 * 1024];
/** Close codes and reasons tried both ways; no code means an empty Close frame, seen as 1005. */
const CLOSES: Array<{ code?: number; reason?: string }> = [
  { code: 1000, reason: 'bye' },
  { code: 1001, reason: 'going away' },
  { code: 3000, reason: 'registered' },
  { code: 4001, reason: 'privé — 閉じる ✓' },
  // RFC 6455 §5.5: a control frame carries at most 125 bytes, so the reason at most 123.
  { code: 4999, reason: 'r'.repeat(123) },
  {},
];
const MULTI_BYTE = TEXTS['multi-byte UTF-8 text']!;
const CASE = { timeout: 20_000 };
/** How long one client script or one wait may take. */
const STEP_MS = 8000;

let lastId = 0;
const newId = () => String(++lastId);
const bytes = (size: number, seed = 7): Payload => ({ bytes: { size, seed } });
const closeLabel = ({ code, reason }: { code?: number; reason?: string }) =>
  code === undefined ? 'no code (1005)' : `${code} "${reason!.length > 40 ? `${reason!.length} B reason` : reason}"`;
/** Messages sent back to back without waiting: text and binary of varied sizes, in order. */
const BURST: Payload[] = Array.from({ length: 60 }, (_, i) => (i % 2 ? bytes((i * 997) % 3000, i) : { text: `message ${i} ✓`.repeat(1 + (i % 5)) }));
/** Ping payloads: text with multi-byte characters, and the largest a control frame allows. */
const PING_PAYLOADS = ['rtt probe ✓', 'p'.repeat(125)];

for (const peer of PEERS) {
  describe(`interop with ${peer.name}`, () => {
    before(() => peer.setUp(), { timeout: 40_000 });
    after(() => peer.tearDown(), { timeout: 10_000 });

    describe('our client ↔ their server', { skip: peer.abilities.server ? false : `${peer.name} is only a client` }, () => {
      let theirs: PeerServer;
      before(async () => (theirs = await peer.startServer()), { timeout: 15_000 });
      after(() => theirs?.stop(), { timeout: 10_000 });

      async function open(path: string, options: ClientOptions = {}): Promise<{ socket: WebSocket; log: SocketLog; id: string }> {
        const id = newId();
        const socket = await connect(`ws://127.0.0.1:${theirs.port}${path}?id=${id}`, { handshakeTimeout: 5000, closeTimeout: 3000, ...options });
        return { socket, log: new SocketLog(socket), id };
      }

      async function closeCleanly(socket: WebSocket, log: SocketLog): Promise<void> {
        socket.close(1000);
        const closed = await log.whenClosed();
        assert.equal(closed.wasClean, true, `closed uncleanly: ${closed.code} ${closed.reason}`);
      }

      for (const [name, text] of Object.entries(TEXTS)) {
        it(`echoes ${name}`, CASE, async () => {
          const { socket, log } = await open('/echo');
          socket.send(text);
          const message = await log.nextMessage();
          assert.deepEqual({ binary: message.binary, text: message.data.toString() }, { binary: false, text });
          await closeCleanly(socket, log);
        });
      }

      for (const size of BINARY_SIZES) {
        it(`echoes ${size} B of binary`, CASE, async () => {
          const { socket, log } = await open('/echo');
          const data = payloadBytes(bytes(size));
          socket.send(data);
          const message = await log.nextMessage();
          assert.equal(message.binary, true);
          assert.equal(message.data.length, size);
          assert.ok(message.data.equals(data), 'the echoed bytes differ');
          await closeCleanly(socket, log);
        });
      }

      it('reassembles text we send in three frames, cut inside a character, with a ping between them', CASE, async () => {
        const { socket, log } = await open('/echo');
        const data = Buffer.from(MULTI_BYTE);
        // Cut after the first byte of "é" and inside "日": each fragment alone is invalid UTF-8.
        const cuts = [0, 2, data.indexOf(Buffer.from('日')) + 1, data.length];
        socket.sendFrame({ opcode: 0x1, fin: false, payload: data.subarray(cuts[0], cuts[1]), mask: true });
        // RFC 6455 §5.4: "Control frames MAY be injected in the middle of a fragmented message."
        socket.sendFrame({ opcode: 0x9, payload: Buffer.from('between'), mask: true });
        socket.sendFrame({ opcode: 0x0, fin: false, payload: data.subarray(cuts[1], cuts[2]), mask: true });
        socket.sendFrame({ opcode: 0x0, fin: true, payload: data.subarray(cuts[2], cuts[3]), mask: true });
        const message = await log.nextMessage();
        assert.deepEqual({ binary: message.binary, text: message.data.toString() }, { binary: false, text: MULTI_BYTE });
        await log.until('the pong', () => log.pongs.length > 0);
        assert.equal(log.pongs[0]!.data.toString(), 'between');
        await closeCleanly(socket, log);
      });

      it('reassembles 64 KiB of binary we send in three frames', CASE, async () => {
        const { socket, log } = await open('/echo');
        const data = payloadBytes(bytes(65536, 3));
        sendInThirds(socket, data, true, true);
        const message = await log.nextMessage();
        assert.equal(message.binary, true);
        assert.ok(message.data.equals(data), 'the echoed bytes differ');
        await closeCleanly(socket, log);
      });

      for (const [name, payload] of [
        ['multi-byte text', { text: MULTI_BYTE }],
        ['64 KiB of binary', bytes(65536, 5)],
      ] as const) {
        it(`receives ${name} they send in three frames`, CASE, async () => {
          const { socket, log } = await open('/fragments');
          const data = payloadBytes(payload);
          socket.send('text' in payload ? payload.text : data);
          const message = await log.nextMessage();
          // Python websockets ends a fragmented message with an empty final frame: four frames.
          assert.ok(message.frames >= 3, `the peer sent ${message.frames} frames, not three or more`);
          assert.equal(message.binary, !('text' in payload));
          assert.ok(message.data.equals(data), 'the reassembled message differs');
          await closeCleanly(socket, log);
        });
      }

      for (const payload of PING_PAYLOADS) {
        it(`gets a pong to our ping of ${Buffer.byteLength(payload)} B, and reports the round-trip time`, CASE, async () => {
          const { socket, log } = await open('/echo');
          socket.ping(payload);
          await log.until('the pong', () => log.pongs.length > 0);
          const pong = log.pongs[0]!;
          assert.equal(pong.data.toString(), payload);
          assert.equal(typeof pong.rtt, 'number');
          assert.ok(pong.rtt! >= 0 && Number.isFinite(pong.rtt), `rtt ${pong.rtt}`);
          assert.deepEqual(log.rtts, [pong.rtt]);
          await closeCleanly(socket, log);
        });
      }

      it(`echoes ${BURST.length} messages sent back to back, in order`, CASE, async () => {
        const { socket, log } = await open('/echo');
        for (const payload of BURST) socket.send('text' in payload ? payload.text : payloadBytes(payload));
        await log.until('every echo', () => log.messages.length === BURST.length);
        BURST.forEach((payload, i) => {
          assert.equal(log.messages[i]!.binary, !('text' in payload), `message ${i}`);
          assert.ok(log.messages[i]!.data.equals(payloadBytes(payload)), `message ${i} differs`);
        });
        await closeCleanly(socket, log);
      });

      it('answers their ping with its payload', CASE, async () => {
        const { socket, log } = await open('/ping');
        socket.send('are you there?');
        const message = await log.nextMessage();
        assert.equal(message.data.toString(), 'pong:are you there?');
        assert.deepEqual(log.pings.map(String), ['are you there?']);
        await closeCleanly(socket, log);
      });

      it('agrees on the one subprotocol both speak', CASE, async () => {
        const { socket, log, id } = await open('/echo', { protocols: ['chat.unknown', 'wscope.v2'] });
        assert.equal(socket.protocol, 'wscope.v2');
        await closeCleanly(socket, log);
        assert.equal((await theirs.report(id, STEP_MS)).protocol, 'wscope.v2');
      });

      it('opens without a subprotocol when none is shared', CASE, async () => {
        const { socket, log, id } = await open('/echo', { protocols: ['chat.unknown'] });
        assert.equal(socket.protocol, '');
        await closeCleanly(socket, log);
        assert.equal((await theirs.report(id, STEP_MS)).protocol, '');
      });

      for (const close of CLOSES) {
        const expected = { code: close.code ?? 1005, reason: close.reason ?? '' };

        it(`their server receives our close with ${closeLabel(close)}`, CASE, async () => {
          const { socket, log, id } = await open('/echo');
          socket.close(close.code, close.reason);
          const closed = await log.whenClosed();
          assert.equal(closed.wasClean, true, `closed uncleanly: ${closed.code} ${closed.reason}`);
          const report = await theirs.report(id, STEP_MS);
          assert.deepEqual({ code: report.closeCode, reason: report.closeReason }, expected);
        });

        it(`we receive their close with ${closeLabel(close)}`, CASE, async () => {
          const { socket, log } = await open('/close');
          socket.send(JSON.stringify(close));
          const closed = await log.whenClosed();
          assert.deepEqual(closed, { ...expected, wasClean: true });
          assert.deepEqual(log.peerClose, expected);
        });
      }

      for (const kind of Object.keys(INVALID_FRAMES)) {
        it(`their server closes with 1002 on an invalid frame: ${kind}`, CASE, async () => {
          const { socket, log } = await open('/echo');
          sendInvalidFrame(socket, kind, 'client');
          await log.until('their Close frame', () => log.peerClose !== undefined);
          assert.equal(log.peerClose!.code, 1002, `their Close: ${JSON.stringify(log.peerClose)}`);
          await log.whenClosed();
        });
      }
    });

    describe('their client ↔ our server', () => {
      const ours = new OurServer();
      let port: number;
      before(async () => (port = await ours.start()), { timeout: 10_000 });
      after(() => ours.stop(), { timeout: 10_000 });

      /** Run the peer's client on `path` and return its report and our server's log. */
      async function theirClient(path: string, steps: ClientStep[], protocols?: string[]): Promise<{ events: ClientEvent[]; log: SocketLog }> {
        const id = newId();
        const target = `${path}${path.includes('?') ? '&' : '?'}id=${id}`;
        const events = await peer.runClient(`ws://127.0.0.1:${port}${target}`, { ...(protocols && { protocols }), steps }, STEP_MS);
        const failure = events.find((event) => event.event === 'error');
        assert.equal(failure, undefined, `${peer.name}'s client: ${JSON.stringify(events)}`);
        return { events, log: await ours.closedLog(id) };
      }

      const bye: ClientStep = { op: 'close', code: 1000, reason: 'done' };
      const byeEvent: ClientEvent = { event: 'close', code: 1000, reason: 'done' };
      const open: ClientEvent = { event: 'open', protocol: '' };

      const payloads: Array<[string, Payload]> = [
        ...Object.entries(TEXTS).map(([name, text]): [string, Payload] => [name, { text }]),
        ...BINARY_SIZES.map((size): [string, Payload] => [`${size} B of binary`, bytes(size, size & 0xff)]),
      ];
      for (const [name, payload] of payloads) {
        it(`echoes ${name}`, CASE, async () => {
          const { events, log } = await theirClient('/echo', [{ op: 'send', payload }, { op: 'recv' }, bye]);
          assert.deepEqual(events, [open, expectedMessage(payload), byeEvent]);
          assert.ok(log.messages[0]?.data.equals(payloadBytes(payload)), 'our server received other bytes');
          assert.equal(log.closed?.wasClean, true);
        });
      }

      for (const [name, pieces] of [
        ['multi-byte text', [{ text: 'héllo ' }, { text: 'wörld — 日本' }, { text: '語 🎉' }]],
        ['binary', [bytes(100, 1), bytes(0), bytes(70000, 2)]],
      ] as Array<[string, Payload[]]>) {
        it(`reassembles ${name} they send in three frames`, {
          ...CASE,
          skip: peer.abilities.sendFragments ? false : `${peer.name} cannot send fragments`,
        }, async () => {
          const { events, log } = await theirClient('/echo', [{ op: 'sendFragments', pieces }, { op: 'recv' }, bye]);
          const whole = Buffer.concat(pieces.map(payloadBytes));
          const message = log.messages[0];
          assert.ok(message && message.frames >= 3, `our server got ${message?.frames} frames, not three or more`);
          assert.ok(message.data.equals(whole), 'our server reassembled other bytes');
          assert.deepEqual(events, [open, messageEvent(whole, !('text' in pieces[0]!)), byeEvent]);
        });
      }

      for (const [name, payload] of [
        ['multi-byte text', { text: MULTI_BYTE }],
        ['64 KiB of binary', bytes(65536, 9)],
      ] as Array<[string, Payload]>) {
        it(`receives ${name} we send in three frames, cut by bytes`, CASE, async () => {
          const { events } = await theirClient('/fragments', [{ op: 'send', payload }, { op: 'recv' }, bye]);
          assert.deepEqual(events, [open, expectedMessage(payload), byeEvent]);
        });
      }

      it(`echoes ${BURST.length} messages sent back to back, in order`, CASE, async () => {
        const steps: ClientStep[] = [...BURST.map((payload): ClientStep => ({ op: 'send', payload })), ...BURST.map((): ClientStep => ({ op: 'recv' })), bye];
        const { events, log } = await theirClient('/echo', steps);
        assert.deepEqual(events, [open, ...BURST.map(expectedMessage), byeEvent]);
        assert.equal(log.messages.length, BURST.length);
      });

      for (const payload of PING_PAYLOADS) {
        it(`answers their ping of ${Buffer.byteLength(payload)} B with its payload`, {
          ...CASE,
          skip: peer.abilities.ping ? false : `${peer.name} cannot send pings`,
        }, async () => {
          const { events, log } = await theirClient('/echo', [{ op: 'ping', data: payload }, bye]);
          assert.deepEqual(events, [open, { event: 'pong', data: payload }, byeEvent]);
          assert.deepEqual(log.pings.map(String), [payload]);
        });
      }

      for (const payload of PING_PAYLOADS) {
        it(`gets their pong to our ping of ${Buffer.byteLength(payload)} B, and reports the round-trip time`, CASE, async () => {
          const { events, log } = await theirClient(`/ping?data=${encodeURIComponent(payload)}`, [{ op: 'recv' }, bye]);
          assert.deepEqual(events, [open, expectedMessage({ text: `pong:${payload}` }), byeEvent]);
          assert.equal(log.pongs.length, 1);
          assert.equal(log.pongs[0]!.data.toString(), payload);
          const rtt = log.pongs[0]!.rtt;
          assert.ok(typeof rtt === 'number' && rtt >= 0 && Number.isFinite(rtt), `rtt ${rtt}`);
          assert.deepEqual(log.rtts, [rtt]);
        });
      }

      it('agrees on the one subprotocol both speak', CASE, async () => {
        const { events, log } = await theirClient('/echo', [bye], ['chat.unknown', 'wscope.v2']);
        assert.deepEqual(events, [{ event: 'open', protocol: 'wscope.v2' }, byeEvent]);
        assert.equal(log.socket.protocol, 'wscope.v2');
      });

      it('answers without a subprotocol when none is shared', CASE, async () => {
        const id = newId();
        const path = `/echo?id=${id}`;
        const events = await peer.runClient(`ws://127.0.0.1:${port}${path}`, { protocols: ['chat.unknown'], steps: [bye] }, STEP_MS);
        const log = await ours.closedLog(id);
        assert.equal(log.socket.protocol, '');
        if (peer.abilities.requiresSubprotocol) {
          assert.deepEqual(
            events.map((event) => event.event),
            ['error'],
            JSON.stringify(events),
          );
        } else {
          assert.deepEqual(events, [open, byeEvent]);
        }
      });

      // Our engine may not negotiate permessage-deflate (yet); the opening handshake must succeed
      // either way. What compression does once negotiated is tested elsewhere.
      it('opens when their client offers permessage-deflate', CASE, async () => {
        const id = newId();
        const path = `/echo?id=${id}`;
        const events = await peer.runClient(
          `ws://127.0.0.1:${port}${path}`,
          { steps: [{ op: 'send', payload: { text: 'deflate?' } }, { op: 'recv' }, bye] },
          STEP_MS,
        );
        assert.deepEqual(events, [open, expectedMessage({ text: 'deflate?' }), byeEvent]);
        await ours.closedLog(id);
        assert.match(ours.requests.get(id)?.headers['sec-websocket-extensions'] ?? '', /permessage-deflate/);
      });

      for (const close of CLOSES) {
        const expected = { code: close.code ?? 1005, reason: close.reason ?? '' };
        const cannot = peer.abilities.cannotCloseWith(close.code);

        it(`our server receives their close with ${closeLabel(close)}`, { ...CASE, skip: cannot ?? false }, async () => {
          const step: ClientStep = close.code === undefined ? { op: 'close' } : { op: 'close', code: close.code, reason: close.reason ?? '' };
          const { events, log } = await theirClient('/echo', [step]);
          assert.deepEqual(events, [open, { event: 'close', ...expected }]);
          assert.deepEqual(log.peerClose, expected);
          assert.deepEqual(log.closed, { ...expected, wasClean: true });
        });

        it(`their client receives our close with ${closeLabel(close)}`, CASE, async () => {
          const query = close.code === undefined ? '' : `?code=${close.code}&reason=${encodeURIComponent(close.reason ?? '')}`;
          const { events, log } = await theirClient(`/close${query}`, [{ op: 'send', payload: { text: 'close, please' } }, { op: 'waitClose' }]);
          assert.deepEqual(events, [open, { event: 'close', ...expected }]);
          assert.deepEqual(log.closed, { ...expected, wasClean: true });
        });
      }

      for (const kind of Object.keys(INVALID_FRAMES)) {
        it(`their client closes with 1002 on an invalid frame: ${kind}`, CASE, async () => {
          const id = newId();
          const path = `/bad?frame=${encodeURIComponent(kind)}&id=${id}`;
          await peer.runClient(`ws://127.0.0.1:${port}${path}`, { steps: [{ op: 'send', payload: { text: 'break it' } }, { op: 'waitClose' }] }, STEP_MS);
          const log = await ours.closedLog(id);
          assert.equal(log.peerClose?.code, 1002, `their Close: ${JSON.stringify(log.peerClose)}; ours: ${JSON.stringify(log.closed)}`);
        });
      }
    });
  });
}
