import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Peer, PeerServer } from '../interop/peer.js';
import { pythonPeer } from '../interop/python-peer.js';
import { expectedMessage, payloadBytes, type ClientEvent, type ClientStep, type Payload } from '../interop/script.js';
import { wsPeer } from '../interop/ws-peer.js';
import { startProxy } from './helpers.js';

/**
 * The proxy between real peers, each combination of a `ws` or Python websockets client with a
 * `ws` or Python websockets server (our own ends: relay-frames.test.ts): the peers' interop
 * scripts run through it, and what each end reports is what it would have reported talking to
 * the other directly. Both peers negotiate permessage-deflate by default, so it is on here.
 */
const PEERS: Peer[] = [wsPeer, pythonPeer];
const STEP_MS = 8000;
const CASE = { timeout: 20_000 };

let lastId = 0;
const bytes = (size: number, seed: number): Payload => ({ bytes: { size, seed } });
const TEXT = 'héllo wörld — 日本語 — 🎉𝄞 '.repeat(50);

before(() => Promise.all(PEERS.map((peer) => peer.setUp())), { timeout: 40_000 });
after(() => Promise.all(PEERS.map((peer) => peer.tearDown())), { timeout: 10_000 });

for (const serverPeer of PEERS) {
  describe(`proxy to a ${serverPeer.name} server`, () => {
    let server: PeerServer;
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    before(
      async () => {
        server = await serverPeer.startServer();
        proxy = await startProxy(`ws://127.0.0.1:${server.port}`);
      },
      { timeout: 15_000 },
    );
    after(
      async () => {
        await proxy?.close();
        await server?.stop();
      },
      { timeout: 10_000 },
    );

    for (const clientPeer of PEERS) {
      describe(`from a ${clientPeer.name} client`, () => {
        const run = async (path: string, steps: ClientStep[]): Promise<{ events: ClientEvent[]; id: string }> => {
          const id = String(++lastId);
          const events = await clientPeer.runClient(`${proxy.url}${path}?id=${id}`, { protocols: ['wscope.v2'], steps }, STEP_MS);
          return { events, id };
        };

        it('text, binary and a fragmented message come back byte for byte; a ping is answered by the server; the Close code reaches it', CASE, async () => {
          const pieces: Payload[] = [{ text: 'frag' }, { text: 'mented ✓' }, { text: ' message' }];
          const { events, id } = await run('/echo', [
            { op: 'send', payload: { text: TEXT } },
            { op: 'recv' },
            { op: 'send', payload: bytes(65536, 3) },
            { op: 'recv' },
            { op: 'sendFragments', pieces },
            { op: 'recv' },
            { op: 'ping', data: 'probe ✓' },
            { op: 'close', code: 4001, reason: 'privé — 閉じる ✓' },
          ]);
          assert.deepEqual(events, [
            { event: 'open', protocol: 'wscope.v2' },
            expectedMessage({ text: TEXT }),
            expectedMessage(bytes(65536, 3)),
            expectedMessage({ text: pieces.map((piece) => payloadBytes(piece).toString()).join('') }),
            { event: 'pong', data: 'probe ✓' },
            { event: 'close', code: 4001, reason: 'privé — 閉じる ✓' },
          ]);
          const report = await server.report(id, STEP_MS);
          assert.deepEqual(
            { path: report.path, code: report.closeCode, reason: report.closeReason },
            { path: '/echo', code: 4001, reason: 'privé — 閉じる ✓' },
          );
        });

        it('a message the server sends in three frames arrives whole', CASE, async () => {
          const { events } = await run('/fragments', [{ op: 'send', payload: bytes(3000, 9) }, { op: 'recv' }, { op: 'close', code: 1000, reason: 'done' }]);
          assert.deepEqual(events.slice(1, 2), [expectedMessage(bytes(3000, 9))]);
        });

        it("the server's ping reaches the client and the client's pong the server", CASE, async () => {
          const { events } = await run('/ping', [
            { op: 'send', payload: { text: 'are you there?' } },
            { op: 'recv' },
            { op: 'close', code: 1000, reason: 'done' },
          ]);
          assert.deepEqual(events.slice(1, 2), [expectedMessage({ text: 'pong:are you there?' })]);
        });

        for (const close of [{ code: 3000, reason: 'registered' }, { code: 1011, reason: 'oops' }, {}] as Array<{ code?: number; reason?: string }>) {
          it(`the server's Close ${close.code ?? 'without a code'} reaches the client${close.code === undefined ? ' as 1005' : ''}`, CASE, async () => {
            const { events } = await run('/close', [{ op: 'send', payload: { text: JSON.stringify(close) } }, { op: 'waitClose' }]);
            assert.deepEqual(events.at(-1), { event: 'close', code: close.code ?? 1005, reason: close.reason ?? '' });
          });
        }
      });
    }
  });
}
