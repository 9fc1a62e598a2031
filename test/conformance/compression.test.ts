/**
 * permessage-deflate (RFC 7692) with the extension negotiated, both roles: the raw peer sends
 * compressed messages (the RFC's own examples among them), RSV1 where it may not be, compressed
 * invalid UTF-8, corrupt DEFLATE data, messages that inflate past maxMessageSize, and checks that
 * our replies come back compressed from the threshold on, with the context and window agreed.
 * The other groups run again with compression on as well (WITH_DEFLATE in each group file).
 */
import { asciiText, awaitClose, awaitReplies, binary, close, cont, echoes, fails, frame, Op, pattern, ping, pong, text, together, type Case } from './case.js';
import { deflated } from './deflate-peer.js';
import { conformance, type ConformanceCase } from './runner.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const RSV1 = 4;
/** The first frame of a compressed message. */
const z = { rsv: RSV1 } as const;
/** As users get it: replies compressed from 1024 bytes (the runner's deflate run otherwise compresses all). */
const defaults: Case['options'] = { perMessageDeflate: true };

const badUtf8 = hex('cebae1bdb9cf83ceb9ceb5 eda080 656469746564'); // κόσμε, a surrogate, "edited"
const smiley = hex('f09f9880');
/** One message of text, each compressed with the previous one as its context. */
const chain = Array.from({ length: 100 }, (_, i) => `message ${i}: ${'wscope '.repeat(i % 7)}`);

const rfcExamples: ConformanceCase[] = [
  {
    id: 'D.1.1',
    title: 'RFC 7692 §7.2.3.1: "Hello" compressed in one frame',
    steps: [text(hex('f248cdc9c90700'), z), close(1000)],
    echo: ['Hello'],
    close: echoes(1000),
  },
  {
    id: 'D.1.2',
    title: 'RFC 7692 §7.2.3.1: the same in two fragments, RSV1 on the first only',
    steps: [text(hex('f248cd'), { ...z, fin: false }), cont(hex('c9c90700')), close(1000)],
    echo: ['Hello'],
    close: echoes(1000),
  },
  {
    id: 'D.1.3',
    title: 'RFC 7692 §7.2.3.2: the second "Hello" refers back to the first (context takeover)',
    steps: [text(hex('f248cdc9c90700'), z), text(hex('f200110000'), z), close(1000)],
    echo: ['Hello', 'Hello'],
    close: echoes(1000),
  },
  {
    id: 'D.1.4',
    title: 'RFC 7692 §7.2.3.3: a DEFLATE block with no compression',
    steps: [text(hex('000500faff48656c6c6f00'), z), close(1000)],
    echo: ['Hello'],
    close: echoes(1000),
  },
  {
    id: 'D.1.5',
    title: 'RFC 7692 §7.2.3.4: a block with BFINAL set, then a message compressed afresh',
    steps: [text(hex('f348cdc9c9070000'), z), text(deflated('Hello again'), z), close(1000)],
    echo: ['Hello', 'Hello again'],
    close: echoes(1000),
  },
  {
    id: 'D.1.6',
    title: 'RFC 7692 §7.2.3.5: two DEFLATE blocks in one message',
    steps: [text(hex('f248050000 00ffff cac9c90700'), z), close(1000)],
    echo: ['Hello'],
    close: echoes(1000),
  },
  { id: 'D.1.7', title: 'RFC 7692 §7.2.3.6: an empty message compressed', steps: [text(hex('00'), z), close(1000)], echo: [''], close: echoes(1000) },
];

const compressedMessages: ConformanceCase[] = [
  {
    id: 'D.1.8',
    title: 'a 64 KiB binary message compressed in one frame',
    steps: [binary(deflated(pattern(64 * KiB)), z), close(1000)],
    echo: [pattern(64 * KiB)],
    close: echoes(1000),
  },
  {
    id: 'D.1.9',
    title: 'a compressed text message in 1-byte fragments',
    steps: [fragmentsOf(Op.text, deflated('Hello, compressed wscope'), 1), close(1000)],
    echo: ['Hello, compressed wscope'],
    close: echoes(1000),
  },
  {
    id: 'D.1.10',
    title: 'compressed fragments with a ping and a pong between them',
    steps: [
      text(deflated('fragmented and compressed').subarray(0, 5), { ...z, fin: false }),
      ping('p1'),
      pong('unsolicited'),
      cont(deflated('fragmented and compressed').subarray(5)),
      close(1000),
    ],
    echo: ['fragmented and compressed'],
    pongs: ['p1'],
    close: echoes(1000),
  },
  {
    id: 'D.1.11',
    title: 'an empty first frame with RSV1, the compressed data in the continuations',
    steps: [
      binary(Buffer.alloc(0), { ...z, fin: false }),
      cont(deflated(pattern(300)).subarray(0, 10), { fin: false }),
      cont(deflated(pattern(300)).subarray(10)),
      close(1000),
    ],
    echo: [pattern(300)],
    close: echoes(1000),
  },
  {
    id: 'D.1.12',
    title: 'compressed, uncompressed, then compressed referring back past the uncompressed one',
    // RFC 7692 §7.2.2: only compressed messages pass through the decompressor, so only they fill its window.
    steps: [
      text(deflated('the first one'), z),
      text('not compressed'),
      text(deflated('the first one, again', { dictionary: Buffer.from('the first one') }), z),
      close(1000),
    ],
    echo: ['the first one', 'not compressed', 'the first one, again'],
    close: echoes(1000),
  },
  {
    id: 'D.1.13',
    title: '100 compressed messages in one write, each referring back to the ones before',
    steps: [together(...chain.map((m, i) => text(deflated(m, i === 0 ? {} : { dictionary: Buffer.from(chain.slice(0, i).join('')) }), z))), close(1000)],
    echo: chain,
    close: echoes(1000),
  },
  {
    id: 'D.1.14',
    title: 'a compressed message and a Close in one write: the echo goes out, then the Close reply',
    steps: [
      {
        frames: [
          { op: Op.binary, data: deflated(pattern(4 * KiB)), rsv: RSV1 },
          { op: Op.close, data: hex('03e8') },
        ],
      },
    ],
    echo: [pattern(4 * KiB)],
    close: echoes(1000),
  },
  {
    id: 'D.1.15',
    title: 'a peer that gave up context takeover compresses each message alone',
    steps: [text(deflated('Hello'), z), text(deflated('Hello'), z), close(1000)],
    echo: ['Hello', 'Hello'],
    close: echoes(1000),
    agreement: { peerNoContextTakeover: true },
  },
];

const reservedBits: ConformanceCase[] = [
  {
    id: 'D.2.1',
    title: 'RSV1 on the continuation of a compressed message → 1002',
    steps: [text(hex('f248cd'), { ...z, fin: false }), cont(hex('c9c90700'), z), close(1000)],
    close: fails(1002),
  },
  {
    id: 'D.2.2',
    title: 'RSV1 on the continuation of an uncompressed message → 1002',
    steps: [text('Hel', { fin: false }), cont(hex('f248cdc9c90700'), z), close(1000)],
    close: fails(1002),
  },
  { id: 'D.2.3', title: 'ping with RSV1 → 1002, no pong', steps: [ping('x', z), close(1000)], close: fails(1002) },
  { id: 'D.2.4', title: 'pong with RSV1 → 1002', steps: [pong('x', z), close(1000)], close: fails(1002) },
  { id: 'D.2.5', title: 'Close with RSV1 → 1002', steps: [close(1000, '', z)], close: fails(1002) },
  ...[2, 1, 6].map(
    (rsv): ConformanceCase => ({
      id: `D.2.6.${rsv}`,
      title: `a compressed text frame with RSV=${4 | rsv} → 1002`,
      steps: [text(hex('f248cdc9c90700'), { rsv: 4 | rsv }), close(1000)],
      close: fails(1002),
    }),
  ),
  {
    id: 'D.2.7',
    title: 'reserved opcode 0x3 with RSV1 → 1002',
    steps: [frame({ op: 0x3, data: hex('f248cdc9c90700'), rsv: RSV1 }), close(1000)],
    close: fails(1002),
  },
  {
    id: 'D.2.8',
    title: 'a ping with RSV1 between compressed fragments → 1002, no echo',
    steps: [text(hex('f248cd'), { ...z, fin: false }), ping('x', z), cont(hex('c9c90700')), close(1000)],
    close: fails(1002),
  },
];

const utf8: ConformanceCase[] = [
  { id: 'D.3.1', title: 'compressed text with invalid UTF-8 → 1007', steps: [text(deflated(badUtf8), z), close(1000)], close: fails(1007) },
  {
    id: 'D.3.2',
    title: 'compressed text in fragments, invalid UTF-8 in the middle → 1007',
    steps: [fragmentsOf(Op.text, deflated(Buffer.concat([Buffer.from('ok '.repeat(50)), badUtf8, Buffer.from(' ok')])), 7), close(1000)],
    close: fails(1007),
  },
  {
    id: 'D.3.3',
    title: 'compressed text ending inside a character → 1007',
    steps: [text(deflated(Buffer.concat([Buffer.from('a'), smiley.subarray(0, 3)])), z), close(1000)],
    close: fails(1007),
  },
  {
    id: 'D.3.4',
    title: 'valid compressed text echoed, then invalid → 1007',
    steps: [text(deflated('valid'), z), awaitReplies(1), text(deflated(badUtf8), z), close(1000)],
    echo: ['valid'],
    close: fails(1007),
  },
  {
    id: 'D.3.5',
    title: 'a 4-byte character split by the fragments of its compressed bytes',
    steps: [fragmentsOf(Op.text, deflated(Buffer.concat([smiley, smiley, smiley])), 2), close(1000)],
    echo: ['😀😀😀'],
    close: echoes(1000),
  },
  {
    id: 'D.3.6',
    title: 'invalid UTF-8 in a compressed binary message is just bytes',
    steps: [binary(deflated(badUtf8), z), close(1000)],
    echo: [badUtf8],
    close: echoes(1000),
  },
];

const corrupt: ConformanceCase[] = [
  { id: 'D.4.1', title: 'a reserved DEFLATE block type → 1007', steps: [text(hex('ff'), z), close(1000)], close: fails(1007) },
  { id: 'D.4.2', title: 'a stored block whose length check fails → 1007', steps: [binary(hex('0005000000 48656c6c6f'), z), close(1000)], close: fails(1007) },
  { id: 'D.4.3', title: 'a back-reference with no context before it → 1007', steps: [text(hex('f200110000'), z), close(1000)], close: fails(1007) },
  {
    id: 'D.4.4',
    title: 'a peer that gave up context takeover, then refers back to the previous message → 1007',
    steps: [text(hex('f248cdc9c90700'), z), awaitReplies(1), text(hex('f200110000'), z), close(1000)],
    echo: ['Hello'],
    close: fails(1007),
    agreement: { peerNoContextTakeover: true },
  },
  {
    id: 'D.4.5',
    title: 'corrupt data in the second fragment of a compressed message → 1007',
    // The first fragment ends on a sync flush, so the second starts a block: BTYPE 11 is reserved.
    steps: [text(hex('f248cdc9c9070000 00ffff'), { ...z, fin: false }), cont(hex('ff')), close(1000)],
    close: fails(1007),
  },
  {
    id: 'D.4.6',
    title: 'a compressed message echoed, then a corrupt one and a valid one in one write: 1007, the valid one dropped',
    steps: [text(deflated('before'), z), awaitReplies(1), together(text(hex('ff'), z), text(deflated('never'), z)), close(1000)],
    echo: ['before'],
    close: fails(1007),
  },
  {
    id: 'D.4.7',
    title: 'two compressed messages and a ping, then a corrupt one, in one write: both echoed and the pong sent before the 1007 Close',
    // The seam between inflating and dispatching: the echoes are compressed asynchronously,
    // and the failure found while inflating must wait for them (it used to cut them off).
    steps: [together(text(deflated(asciiText(50_000)), z), ping('p'), text(deflated('two'), z), text(hex('ff'), z), text(deflated('never'), z)), close(1000)],
    echo: [asciiText(50_000), 'two'],
    pongs: ['p'],
    close: fails(1007),
  },
];

const limit = { maxMessageSize: 64 * KiB };
const limits: ConformanceCase[] = [
  {
    id: 'D.5.1',
    title: 'inflating to exactly maxMessageSize is accepted',
    steps: [binary(deflated(pattern(64 * KiB)), z), close(1000)],
    echo: [pattern(64 * KiB)],
    close: echoes(1000),
    options: limit,
  },
  {
    id: 'D.5.2',
    title: 'inflating to one byte over maxMessageSize → 1009',
    steps: [binary(deflated(pattern(64 * KiB + 1)), z), close(1000)],
    close: fails(1009),
    options: limit,
  },
  {
    id: 'D.5.3',
    title: '1 MiB of zeros in about 1 KiB on the wire, against a 64 KiB limit → 1009',
    steps: [binary(deflated(Buffer.alloc(MiB)), z), close(1000)],
    close: fails(1009),
    options: limit,
  },
  {
    id: 'D.5.4',
    title: 'the same in 100-byte fragments → 1009',
    steps: [fragmentsOf(Op.binary, deflated(Buffer.alloc(MiB)), 100), close(1000)],
    close: fails(1009),
    options: limit,
  },
  {
    id: 'D.5.5',
    title: 'a 64 MiB text bomb (64 KiB on the wire) against a 1 MiB limit → 1009',
    steps: [text(deflated(Buffer.alloc(64 * MiB, 0x61)), z), close(1000)],
    close: fails(1009),
    options: { maxMessageSize: MiB },
  },
  {
    id: 'D.5.6',
    title: 'a compressed frame announcing more than maxMessageSize on the wire → 1009 on the header',
    steps: [frame({ op: Op.binary, data: Buffer.alloc(0), rsv: RSV1, declaredLength: 64 * KiB + 1 }), awaitClose(), { raw: pattern(64 * KiB + 1) }],
    close: fails(1009),
    options: limit,
  },
  {
    id: 'D.5.7',
    title: 'a compressed message under the limit echoed, then one over it → 1009',
    steps: [text(deflated('fits'), z), awaitReplies(1), binary(deflated(Buffer.alloc(MiB)), z), close(1000)],
    echo: ['fits'],
    close: fails(1009),
    options: limit,
  },
];

const replies: ConformanceCase[] = [
  {
    id: 'D.6.1',
    title: 'with the default options, replies to a 64 KiB text and a 1 MiB binary message come back compressed',
    steps: [text('wscope '.repeat((64 * KiB) / 7)), binary(pattern(MiB)), close(1000)],
    echo: ['wscope '.repeat((64 * KiB) / 7), pattern(MiB)],
    close: echoes(1000),
    options: defaults,
  },
  {
    id: 'D.6.2',
    title: 'the default threshold: a 1023-byte reply goes uncompressed, a 1024-byte one compressed',
    steps: [binary(pattern(1023)), binary(pattern(1024)), close(1000)],
    echo: [pattern(1023), pattern(1024)],
    close: echoes(1000),
    options: defaults,
  },
  {
    id: 'D.6.3',
    title: 'a 4 MiB message arriving compressed in 64 KiB fragments comes back compressed',
    steps: [fragmentsOf(Op.text, deflated('0123456789abcdef'.repeat((4 * MiB) / 16)), 64 * KiB), close(1000)],
    echo: ['0123456789abcdef'.repeat((4 * MiB) / 16)],
    close: echoes(1000),
    options: defaults,
  },
  {
    id: 'D.6.4',
    title: 'a threshold of 100: a 99-byte reply goes uncompressed, a 100-byte one compressed',
    steps: [text('x'.repeat(99)), text(deflated('y'.repeat(100)), z), close(1000)],
    echo: ['x'.repeat(99), 'y'.repeat(100)],
    close: echoes(1000),
    options: { perMessageDeflate: { threshold: 100 } },
  },
  {
    id: 'D.6.5',
    title: 'asked to give up context takeover, each reply inflates alone',
    steps: [binary(pattern(4 * KiB)), binary(pattern(4 * KiB)), text('Hello'), text('Hello'), close(1000)],
    echo: [pattern(4 * KiB), pattern(4 * KiB), 'Hello', 'Hello'],
    close: echoes(1000),
    agreement: { endpointNoContextTakeover: true },
  },
  ...[9, 8].map(
    (bits): ConformanceCase => ({
      id: `D.6.6.${bits}`,
      title: `a ${bits}-bit window: replies inflate with a ${1 << bits}-byte window, across messages too`,
      steps: [...Array.from({ length: 5 }, (_, i) => text(`${i} ${'window '.repeat(100)}`)), close(1000)],
      echo: Array.from({ length: 5 }, (_, i) => `${i} ${'window '.repeat(100)}`),
      close: echoes(1000),
      agreement: { endpointWindowBits: bits },
    }),
  ),
  {
    id: 'D.6.7',
    title: 'all four parameters at once: no context takeover and 9-bit windows both ways',
    steps: [text(deflated('both ways '.repeat(100), { windowBits: 9 }), z), text(deflated('both ways '.repeat(100), { windowBits: 9 }), z), close(1000)],
    echo: ['both ways '.repeat(100), 'both ways '.repeat(100)],
    close: echoes(1000),
    agreement: { endpointNoContextTakeover: true, peerNoContextTakeover: true, endpointWindowBits: 9, peerWindowBits: 9 },
  },
];

/** A compressed payload split into `size`-byte frames, RSV1 on the first only. */
function fragmentsOf(op: number, payload: Buffer, size: number) {
  const frames = [];
  for (let offset = 0; offset < payload.length || frames.length === 0; offset += size) {
    frames.push({
      op: offset === 0 ? op : Op.cont,
      data: payload.subarray(offset, offset + size),
      fin: offset + size >= payload.length,
      ...(offset === 0 && z),
    });
  }
  return { frames };
}

conformance('permessage-deflate', [...rfcExamples, ...compressedMessages, ...reservedBits, ...utf8, ...corrupt, ...limits, ...replies], ['deflate']);
