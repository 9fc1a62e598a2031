/**
 * permessage-deflate against real peers, both roles: ws (in process) and Python websockets
 * (child processes), with every combination of the four parameters in the offer and on the
 * server; plus wscope against itself, and a decompression bomb against our server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocket as WsSocket, WebSocketServer as WsServer } from 'ws';
import { connect, type WebSocket, WebSocketServer, type ObservedFrame } from '../../src/index.js';
import { checkDeflateResponse, type DeflateParams, type PerMessageDeflateOptions } from '../../src/protocol/extensions/permessage-deflate.js';

type Message = { text: string } | { binary: string };

/** Echoed by every peer, in this order; the two "Hello"s show context takeover on the wire. */
const MESSAGES: Message[] = [
  { text: 'Hello' },
  { text: 'Hello' },
  { text: Array.from({ length: 20_000 }, (_, i) => `line ${i % 97}`).join('\n') },
  { binary: randomBytes(70_000).toString('base64') },
  { text: 'héllo wörld 🌍 — ünïcödé '.repeat(400) },
  { text: '' },
  { binary: Buffer.alloc(100_000).toString('base64') },
  { binary: '' },
];

/** What a client puts in its offer. */
const OFFERS: Array<[string, PerMessageDeflateOptions]> = [
  ['default offer', {}],
  ['server_no_context_takeover', { serverNoContextTakeover: true }],
  ['client_no_context_takeover', { clientNoContextTakeover: true }],
  ['server_max_window_bits=10', { serverMaxWindowBits: 10 }],
  ['client_max_window_bits=11', { clientMaxWindowBits: 11 }],
  ['all four', { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 9, clientMaxWindowBits: 9 }],
  ['no client_max_window_bits', { clientMaxWindowBits: false }],
  ['server_max_window_bits=8', { serverMaxWindowBits: 8 }],
  ['client_max_window_bits=8', { clientMaxWindowBits: 8 }],
];

/** What a server is configured with. */
const SERVER_CONFIGS: Array<[string, PerMessageDeflateOptions]> = [
  ['server defaults', {}],
  ['server forbids context takeover', { serverNoContextTakeover: true, clientNoContextTakeover: true }],
  ['server caps windows', { serverMaxWindowBits: 11, clientMaxWindowBits: 12 }],
];

interface Exchange {
  /** The Sec-WebSocket-Extensions response. */
  extensions: string;
  /** What came back, in order. */
  received: Message[];
  /** Data frames our side sent and received, in order. */
  out: ObservedFrame[];
  in: ObservedFrame[];
}

interface PeerUnderTest {
  name: string;
  /** Why this combination cannot run against the peer, if it cannot. */
  skip(offer: PerMessageDeflateOptions, server: PerMessageDeflateOptions, ourRole: 'client' | 'server'): string | undefined;
  /** The peer's server answers this offer with an HTTP error instead of going on uncompressed. */
  refusesHandshake(offer: PerMessageDeflateOptions, server: PerMessageDeflateOptions): boolean;
  /** The peer's echo server, configured; returns its port. */
  startServer(options: PerMessageDeflateOptions): Promise<{ port: number; stop(): Promise<void> }>;
  /** The peer's client: offer, send MESSAGES, return what came back and the response header. */
  runClient(url: string, offer: PerMessageDeflateOptions): Promise<{ extensions: string; received: Message[] }>;
}

const wsPeer: PeerUnderTest = {
  name: 'ws',
  skip: () => undefined,
  // ws reads its window options as exact sizes: an offer asking for a smaller server window, or
  // not letting it cap the client's, is "None of the extension offers can be accepted", a 400.
  // (RFC 7692 §7.1.2 would let it lower its own window, or go on uncompressed.)
  refusesHandshake(offer, server) {
    const serverBits = offer.serverMaxWindowBits !== undefined && (server.serverMaxWindowBits ?? 0) > offer.serverMaxWindowBits;
    const cap = server.clientMaxWindowBits;
    const clientBits =
      typeof cap === 'number' && (typeof offer.clientMaxWindowBits === 'number' ? cap > offer.clientMaxWindowBits : offer.clientMaxWindowBits === false);
    return serverBits || clientBits;
  },
  async startServer(options) {
    const server = new WsServer({ port: 0, host: '127.0.0.1', perMessageDeflate: { ...wsOptions(options), threshold: 0 } });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
    return {
      port: (server.address() as { port: number }).port,
      stop: () =>
        new Promise<void>((resolve) => {
          for (const client of server.clients) client.terminate();
          server.close(() => resolve());
        }),
    };
  },
  runClient(url, offer) {
    return new Promise((resolve, reject) => {
      const socket = new WsSocket(url, { perMessageDeflate: { ...wsOptions(offer), threshold: 0 } });
      const received: Message[] = [];
      let extensions = '';
      // ws's `extensions` lists names only; the parameters are in the response header.
      socket.on('upgrade', (response) => (extensions = String(response.headers['sec-websocket-extensions'] ?? '')));
      socket.on('error', reject);
      socket.on('open', () => {
        for (const message of MESSAGES) socket.send(payloadOf(message), { binary: 'binary' in message });
      });
      socket.on('message', (data: Buffer, isBinary) => {
        received.push(isBinary ? { binary: data.toString('base64') } : { text: data.toString() });
        if (received.length === MESSAGES.length) socket.close(1000);
      });
      socket.on('close', () => resolve({ extensions, received }));
    });
  },
};

/** ws names the options as we do, but reads `false` as "refuse": only what is set goes in. */
function wsOptions(options: PerMessageDeflateOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (options.serverNoContextTakeover) out['serverNoContextTakeover'] = true;
  if (options.clientNoContextTakeover) out['clientNoContextTakeover'] = true;
  if (options.serverMaxWindowBits !== undefined) out['serverMaxWindowBits'] = options.serverMaxWindowBits;
  if (options.clientMaxWindowBits !== undefined) out['clientMaxWindowBits'] = options.clientMaxWindowBits;
  return out;
}

const PYTHON = '/usr/bin/python3';
const PYTHON_SCRIPT = fileURLToPath(new URL('../../../test/interop/python/deflate_peer.py', import.meta.url));
const children = new Set<ChildProcess>();

const pythonPeer: PeerUnderTest = {
  name: 'Python websockets',
  refusesHandshake: () => false,
  skip(offer, server, ourRole) {
    // Python's zlib refuses to compress with a 256-byte window (wbits=-8): its side cannot use 8.
    const pythonCompressesWith8 = ourRole === 'client' ? (offer.serverMaxWindowBits ?? server.serverMaxWindowBits) === 8 : offer.clientMaxWindowBits === 8;
    return pythonCompressesWith8 ? 'Python websockets cannot compress with window bits 8 (zlib refuses wbits=-8)' : undefined;
  },
  async startServer(options) {
    const child = spawnPython(['server', JSON.stringify(pythonOptions(options, 'server'))]);
    const line = await firstLine(child);
    return {
      port: (JSON.parse(line) as { port: number }).port,
      stop: async () => {
        child.stdin!.end();
        await new Promise((resolve) => child.once('close', resolve));
      },
    };
  },
  async runClient(url, offer) {
    const child = spawnPython(['client', url, JSON.stringify(pythonOptions(offer, 'client'))]);
    child.stdin!.end(`${JSON.stringify(MESSAGES)}\n`);
    const lines: string[] = [];
    const stderr: Buffer[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
    const code = await new Promise((resolve) => child.once('close', resolve));
    if (code !== 0) throw new Error(`deflate_peer.py client exited with ${String(code)}: ${Buffer.concat(stderr).toString().trim()}`);
    const [header, ...messages] = lines.map((line) => JSON.parse(line) as { extensions?: string; message?: Message });
    return { extensions: header?.extensions ?? '', received: messages.map((m) => m.message!) };
  },
};

function pythonOptions(options: PerMessageDeflateOptions, role: 'client' | 'server'): Record<string, unknown> {
  const out: Record<string, unknown> = {
    server_no_context_takeover: options.serverNoContextTakeover ?? false,
    client_no_context_takeover: options.clientNoContextTakeover ?? false,
    server_max_window_bits: options.serverMaxWindowBits ?? null,
  };
  const clientBits = options.clientMaxWindowBits ?? (role === 'client' ? true : undefined);
  out['client_max_window_bits'] = clientBits === false || clientBits === undefined ? null : clientBits;
  return out;
}

function spawnPython(args: string[]): ChildProcess {
  const child = spawn(PYTHON, [PYTHON_SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.once('close', () => children.delete(child));
  return child;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const stderr: Buffer[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('close', (code) => reject(new Error(`deflate_peer.py exited with ${String(code)}: ${Buffer.concat(stderr).toString().trim()}`)));
  });
}

function payloadOf(message: Message): string | Buffer {
  return 'text' in message ? message.text : Buffer.from(message.binary, 'base64');
}

/** Our client against `port`: send MESSAGES, collect the echoes and the frames. */
async function ourClient(port: number, offer: PerMessageDeflateOptions): Promise<Exchange> {
  const socket = await connect(`ws://127.0.0.1:${port}/`, { perMessageDeflate: { ...offer, threshold: 0 } });
  const exchange: Exchange = { extensions: socket.extensions, received: [], out: [], in: [] };
  socket.on('frame', (frame: ObservedFrame) => {
    if (frame.opcode === 1 || frame.opcode === 2) (frame.direction === 'in' ? exchange.in : exchange.out).push(frame);
  });
  const done = new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      exchange.received.push(isBinary ? { binary: data.toString('base64') } : { text: data.toString() });
      if (exchange.received.length === MESSAGES.length) socket.close(1000);
    });
    socket.on('close', () => resolve());
  });
  for (const message of MESSAGES) socket.send(payloadOf(message), { binary: 'binary' in message });
  await done;
  return exchange;
}

/** Our echo server; frames of the connection are collected in `frames`. */
async function ourServer(
  options: PerMessageDeflateOptions,
): Promise<{ port: number; frames: { in: ObservedFrame[]; out: ObservedFrame[] }; stop(): Promise<void> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: { ...options, threshold: 0 } });
  await server.ready();
  const frames = { in: [] as ObservedFrame[], out: [] as ObservedFrame[] };
  server.on('connection', (socket: WebSocket) => {
    socket.on('frame', (frame: ObservedFrame) => {
      if (frame.opcode === 1 || frame.opcode === 2) (frame.direction === 'in' ? frames.in : frames.out).push(frame);
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => socket.send(isBinary ? data : data.toString(), { binary: isBinary }));
  });
  return { port: server.address().port, frames, stop: () => server.close() };
}

/**
 * What the exchange must show: everything came back in order; when compression was agreed,
 * every data frame both ways has RSV1, and the second "Hello" of each sender is the 5-byte
 * back-reference (RFC 7692 §7.2.3.2) exactly when that sender keeps its context.
 */
function checkExchange(exchange: Exchange, offer: PerMessageDeflateOptions, server: PerMessageDeflateOptions, ourRole: 'client' | 'server'): void {
  assert.deepEqual(exchange.received.map(sizeOf), MESSAGES.map(sizeOf));
  assert.deepEqual(exchange.received, MESSAGES);
  if (exchange.extensions === '') {
    // Only a server that must cap the client's window may decline, when the offer does not let it.
    assert.ok(server.clientMaxWindowBits !== undefined || server.serverMaxWindowBits !== undefined, 'compression was declined');
    for (const frame of [...exchange.in, ...exchange.out]) assert.equal(frame.rsv1, false);
    return;
  }
  const agreed = checkDeflateResponse(exchange.extensions, offer);
  assert.ok(agreed, exchange.extensions);
  checkAgreement(agreed, offer, server);
  assert.equal(exchange.out.length, MESSAGES.length);
  assert.equal(exchange.in.length, MESSAGES.length);
  for (const frame of [...exchange.in, ...exchange.out]) assert.equal(frame.rsv1, true, 'every message compressed (threshold 0)');
  const peerKeepsContext = ourRole === 'client' ? !agreed.serverNoContextTakeover : !agreed.clientNoContextTakeover;
  const weKeepContext = ourRole === 'client' ? !agreed.clientNoContextTakeover : !agreed.serverNoContextTakeover;
  assert.equal(exchange.in[1]!.payloadLength, peerKeepsContext ? 5 : 7, 'the peer’s second "Hello"');
  assert.equal(exchange.out[1]!.payloadLength, weKeepContext ? 5 : 7, 'our second "Hello"');
}

/** RFC 7692 §7.1: what was asked for, by either side, holds in the agreement. */
function checkAgreement(agreed: DeflateParams, offer: PerMessageDeflateOptions, server: PerMessageDeflateOptions): void {
  if (offer.serverNoContextTakeover || server.serverNoContextTakeover) assert.equal(agreed.serverNoContextTakeover, true);
  if (offer.clientNoContextTakeover || server.clientNoContextTakeover) assert.equal(agreed.clientNoContextTakeover, true);
  assert.ok(agreed.serverMaxWindowBits <= Math.min(offer.serverMaxWindowBits ?? 15, server.serverMaxWindowBits ?? 15));
  if (typeof offer.clientMaxWindowBits === 'number') assert.ok(agreed.clientMaxWindowBits <= offer.clientMaxWindowBits);
}

/** A message's kind and size, for a readable first comparison. */
function sizeOf(message: Message): string {
  return 'text' in message ? `text ${Buffer.byteLength(message.text)}` : `binary ${Buffer.from(message.binary, 'base64').length}`;
}

for (const peer of [wsPeer, pythonPeer]) {
  describe(`permessage-deflate with ${peer.name}`, () => {
    before(() => {
      if (peer === pythonPeer) {
        const check = spawnSync(PYTHON, ['-c', 'import websockets'], { encoding: 'utf8' });
        assert.equal(check.status, 0, `Python websockets is missing: ${check.stderr}`);
      }
    });
    after(() => {
      for (const child of children) child.kill();
    });

    for (const [serverName, serverOptions] of SERVER_CONFIGS) {
      for (const [offerName, offer] of OFFERS) {
        const label = `${offerName}, ${serverName}`;
        test(`wscope client → ${peer.name} server: ${label}`, { skip: peer.skip(offer, serverOptions, 'client') ?? false }, async () => {
          const server = await peer.startServer(serverOptions);
          try {
            if (peer.refusesHandshake(offer, serverOptions)) {
              await assert.rejects(ourClient(server.port, offer), { name: 'HandshakeError', status: 400 });
              return;
            }
            checkExchange(await ourClient(server.port, offer), offer, serverOptions, 'client');
          } finally {
            await server.stop();
          }
        });
        test(`${peer.name} client → wscope server: ${label}`, { skip: peer.skip(offer, serverOptions, 'server') ?? false }, async () => {
          const server = await ourServer(serverOptions);
          try {
            const { extensions, received } = await peer.runClient(`ws://127.0.0.1:${server.port}/`, offer);
            checkExchange({ extensions, received, in: server.frames.in, out: server.frames.out }, offer, serverOptions, 'server');
          } finally {
            await server.stop();
          }
        });
      }
    }
  });
}
