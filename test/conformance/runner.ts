/**
 * Runs conformance cases over real sockets against both roles:
 * - our server, driven by a raw client (masked frames) while the server echoes every message;
 * - our client, driven by a raw server (unmasked frames) while the client echoes every message.
 * Each run asserts the echoed messages, the pongs, the exact code of the endpoint's Close frame,
 * who closes TCP, and what the endpoint's own close and error events report.
 *
 * Groups whose expectations do not depend on compression run again with permessage-deflate
 * negotiated (RFC 7692): first with the endpoint compressing every reply while the peer writes
 * its frames as the case gives them, then with the peer compressing its messages too.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { WebSocketServer, connect, type WebSocket } from '../../src/index.js';
import type { Case } from './case.js';
import {
  answerWithDeflate,
  compressSteps,
  offersDeflate,
  peerExtensionHeader,
  readAgreement,
  ReplyInflater,
  type DeflateAgreement,
  type PeerDeflate,
} from './deflate-peer.js';
import { rawClient, rawServer, type PeerRole, type RawPeer, type ReadFrame } from './raw-peer.js';

const WAIT = 3000;
const CASE_TIMEOUT = 20_000;

/**
 * - plain: no extension;
 * - deflate: permessage-deflate agreed, the endpoint compresses every reply (threshold 0 unless
 *   the case sets perMessageDeflate), the peer writes the case's frames as they are;
 * - deflate both ways: the peer compresses its messages too (compressSteps).
 */
export type Run = 'plain' | 'deflate' | 'deflate both ways';
/** For groups whose expectations hold whether or not messages are compressed. */
export const WITH_DEFLATE: readonly Run[] = ['plain', 'deflate', 'deflate both ways'];

/** A case; with deflate, `agreement` says what the raw peer offers or answers. */
export type ConformanceCase = Case & { agreement?: DeflateAgreement };

/** Register every case once per role under test and per run. */
export function conformance(group: string, cases: readonly ConformanceCase[], runs: readonly Run[] = ['plain']): void {
  const ids = new Set<string>();
  for (const c of cases) {
    assert.ok(!ids.has(c.id), `duplicate case id ${c.id}`);
    ids.add(c.id);
  }
  for (const run of runs) {
    describe(run === 'plain' ? group : `${group} · permessage-deflate${run === 'deflate both ways' ? ', both ways' : ''}`, () => {
      for (const role of ['server', 'client'] as const) {
        for (const c of cases) {
          if (c.only && c.only !== role) continue;
          // A fail-fast case judges a message before its end; a compressed one is judged once inflated.
          const skip =
            run === 'deflate both ways' && c.steps.some((step) => 'awaitClose' in step) && 'fails before the message ends, which compression rules out';
          test(`our ${role} · ${c.id} ${c.title}`, { timeout: CASE_TIMEOUT, skip }, () => (role === 'server' ? againstServer(c, run) : againstClient(c, run)));
        }
      }
    });
  }
}

interface Observed {
  errors: unknown[];
  closed: Promise<{ code: number; reason: string; wasClean: boolean }>;
}

function observe(ws: WebSocket): Observed {
  const errors: unknown[] = [];
  ws.on('error', (error) => errors.push(error));
  ws.on('message', (data: Buffer, isBinary: boolean) => ws.send(data, { binary: isBinary }));
  const closed = new Promise<{ code: number; reason: string; wasClean: boolean }>((resolve) => {
    ws.once('close', (code: number, reason: string, wasClean: boolean) => resolve({ code, reason, wasClean }));
  });
  return { errors, closed };
}

/** The endpoint's options: in a deflate run, every reply compressed unless the case says otherwise. */
function endpointOptions(c: ConformanceCase, run: Run): NonNullable<Case['options']> {
  if (run === 'plain') return c.options ?? {};
  return { ...c.options, perMessageDeflate: c.options?.perMessageDeflate ?? { threshold: 0 } };
}

async function againstServer(c: ConformanceCase, run: Run): Promise<void> {
  const options = endpointOptions(c, run);
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  await server.ready();
  try {
    const accepted = new Promise<Observed>((resolve) => server.once('connection', (ws: WebSocket) => resolve(observe(ws))));
    const offer = run === 'plain' ? {} : { headers: [`Sec-WebSocket-Extensions: ${peerExtensionHeader('client', c.agreement)}`] };
    const peer = await rawClient(server.address().port, offer);
    const endpoint = await accepted;
    const deflate = run === 'plain' ? undefined : readAgreement(peer.responseHeaders.get('sec-websocket-extensions'), 'client');
    await play(peer, c, run, deflate);
    await peer.waitForClose(WAIT);
    // RFC 6455 §7.1.1: "the server SHOULD close the underlying TCP connection first".
    await peer.waitForEof(WAIT);
    peer.socket.end();
    await check(peer, endpoint, c, 'server', deflate && { inflater: new ReplyInflater(deflate.endpoint), threshold: thresholdOf(options) });
  } finally {
    await server.close();
  }
}

async function againstClient(c: ConformanceCase, run: Run): Promise<void> {
  const raw = await rawServer(run === 'plain' ? {} : { respond: answerWithDeflate(c.agreement) });
  try {
    const options = endpointOptions(c, run);
    const ws = await connect(`ws://127.0.0.1:${raw.port}/`, options);
    const endpoint = observe(ws);
    const peer = await raw.nextPeer();
    let deflate: PeerDeflate | undefined;
    if (run !== 'plain') {
      assert.ok(offersDeflate(raw.requests[0] ?? ''), 'our client offers permessage-deflate');
      deflate = readAgreement(peerExtensionHeader('server', c.agreement), 'server');
    }
    await play(peer, c, run, deflate);
    await peer.waitForClose(WAIT);
    if (!c.close.clean) {
      // RFC 6455 §7.1.7: an endpoint that fails the connection drops TCP; a server still answers the Close.
      await peer.write(peer.encode({ op: 0x8, data: peer.closeFrame!.payload }));
      await peer.waitForEof(WAIT);
    }
    peer.socket.end();
    await check(peer, endpoint, c, 'client', deflate && { inflater: new ReplyInflater(deflate.endpoint), threshold: thresholdOf(options) });
  } finally {
    await raw.close();
  }
}

/** Below this many bytes the endpoint sends a message uncompressed (src's default: 1024). */
function thresholdOf(options: NonNullable<Case['options']>): number {
  const setting = options.perMessageDeflate;
  return (typeof setting === 'object' ? setting.threshold : undefined) ?? 1024;
}

async function play(peer: RawPeer, c: Case, run: Run, deflate: PeerDeflate | undefined): Promise<void> {
  const expectedReplies = (c.echo?.length ?? 0) + (c.pongs?.length ?? 0);
  let sentClose = false;
  const steps = run === 'deflate both ways' ? compressSteps(c.steps, deflate!.peer) : c.steps;
  for (const step of steps) {
    if ('frames' in step) {
      const startsWithClose = step.frames[0]?.op === 0x8;
      if (startsWithClose && !sentClose && peer.closeFrame === undefined && expectedReplies > 0) {
        // A Close of its own goes out only after the replies came back, so the case does not
        // depend on how the endpoint orders replies against a Close read in the same chunk
        // (cases that want that put the Close in the same write, after the data).
        await peer.until(() => replies(peer.frames) >= expectedReplies || peer.closeFrame !== undefined, WAIT, `${expectedReplies} replies`);
      }
      sentClose ||= step.frames.some((f) => f.op === 0x8);
      await peer.write(Buffer.concat(step.frames.map((f) => peer.encode(f))), step.chop);
    } else if ('raw' in step) {
      await peer.write(step.raw, step.chop);
    } else if ('delay' in step) {
      await new Promise((resolve) => setTimeout(resolve, step.delay));
    } else if ('awaitReplies' in step) {
      await peer.until(() => replies(peer.frames) >= step.awaitReplies, WAIT, `${step.awaitReplies} replies`);
    } else {
      await peer.waitForClose(WAIT);
    }
  }
}

/** Complete messages and pongs among the endpoint's frames. */
function replies(frames: readonly ReadFrame[]): number {
  return frames.filter((f) => (f.fin && f.op <= 0x2) || f.op === 0xa).length;
}

/** With deflate: how the endpoint's compressed messages are read, and which ones must be. */
interface ReadCompressed {
  inflater: ReplyInflater;
  threshold: number;
}

async function check(peer: RawPeer, endpoint: Observed, c: Case, role: PeerRole, deflate?: ReadCompressed): Promise<void> {
  const frames = peer.frames;
  const closeIndex = frames.findIndex((f) => f.op === 0x8);
  // RFC 6455 §5.5.1: "the endpoint MUST NOT send any more data frames" after its Close.
  assert.equal(closeIndex, frames.length - 1, 'the Close frame is the last frame the endpoint sends');
  for (const f of frames) {
    // RFC 6455 §5.1: a client masks every frame; a server masks none.
    assert.equal(f.masked, role === 'client', `frame 0x${f.op.toString(16)} masked=${f.masked} from our ${role}`);
    // RFC 7692 §6: RSV1 on the first frame of a compressed message, never on a control or continuation frame.
    if (deflate) assert.ok(f.rsv === 0 || (f.rsv === 4 && (f.op === 0x1 || f.op === 0x2)), `RSV=${f.rsv} on frame 0x${f.op.toString(16)} from our ${role}`);
    else assert.equal(f.rsv, 0, 'no RSV bits without an extension');
    assert.ok([0x0, 0x1, 0x2, 0x8, 0xa].includes(f.op), `unexpected opcode 0x${f.op.toString(16)} from our ${role}`);
  }
  const messages: Array<string | Buffer> = [];
  const compressed: boolean[] = [];
  let parts: Buffer[] = [];
  let op = 0;
  for (const f of frames.slice(0, closeIndex)) {
    if (f.op === 0x1 || f.op === 0x2) {
      op = f.op;
      compressed.push(f.rsv === 4);
    }
    if (f.op > 0x2) continue;
    parts.push(f.payload);
    if (!f.fin) continue;
    const data = compressed.at(-1) ? deflate!.inflater.inflate(Buffer.concat(parts)) : Buffer.concat(parts);
    // ignoreBOM: a U+FEFF at the start is content, not a byte order mark to strip.
    messages.push(op === 0x1 ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data) : data);
    parts = [];
  }
  assert.deepEqual(messages.map(describeMessage), (c.echo ?? []).map(describeMessage), 'echoed messages');
  if (deflate) {
    const expected = (c.echo ?? []).map((m) => (typeof m === 'string' ? Buffer.byteLength(m) : m.length) >= deflate.threshold);
    assert.deepEqual(compressed, expected, `replies compressed (RSV1) from ${deflate.threshold} bytes`);
  }
  const pongs = frames.filter((f) => f.op === 0xa).map((f) => f.payload);
  assert.deepEqual(
    pongs.map((p) => p.toString('hex')),
    (c.pongs ?? []).map((p) => Buffer.from(p).toString('hex')),
    'pong payloads',
  );

  const payload = frames[closeIndex]!.payload;
  assert.notEqual(payload.length, 1, 'a Close payload is empty or at least 2 bytes');
  assert.ok(payload.length <= 125, 'a Close payload fits a control frame');
  const code = payload.length === 0 ? 1005 : payload.readUInt16BE(0);
  const reason = new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(2));
  assert.equal(code, c.close.code, `close code sent by our ${role}`);
  if (c.close.reason !== undefined) assert.equal(reason, c.close.reason, 'close reason echoed');

  const event = await within(endpoint.closed, WAIT, `our ${role}'s close event`);
  assert.equal(event.code, c.close.code, `close event code on our ${role}`);
  assert.equal(event.wasClean, c.close.clean, `close event wasClean on our ${role}`);
  if (c.close.clean) {
    assert.deepEqual(endpoint.errors, [], 'no error on a clean close');
  } else {
    const error = endpoint.errors[0] as { code?: unknown; closeCode?: unknown } | undefined;
    assert.equal(error?.closeCode, c.close.code, `the error event carries the close code (${String(error?.code)})`);
    assert.match(String(error?.code), /^WS_ERR_/);
  }
}

function describeMessage(message: string | Buffer): string {
  return typeof message === 'string'
    ? `text(${message.length}) ${message.length > 200 ? hash(Buffer.from(message)) : JSON.stringify(message)}`
    : `binary(${message.length}) ${message.length > 200 ? hash(message) : message.toString('hex')}`;
}

function hash(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
