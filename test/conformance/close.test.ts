/**
 * The closing handshake (Autobahn 7.x and our own): what comes after a Close is ignored, payloads
 * of 0, 1, 2 and up to 125 bytes, every class of valid and invalid close code, reasons in UTF-8.
 */
import { awaitReplies, binary, close, closePayload, cont, echoes, fails, frame, Op, ping, text, type Case } from './case.js';
import { conformance, WITH_DEFLATE } from './runner.js';

/** Codes a peer may send (RFC 6455 §7.4.1 and the IANA registry, 3000-4999 for applications). */
const VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3003, 3999, 4000, 4001, 4999];
/**
 * Codes that may never appear on the wire, one or more from every class: below 1000, 1004
 * (reserved), 1005/1006/1015 (local only), 1016-2999 (unassigned protocol range), 5000 and up.
 */
const INVALID_CODES = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 5001, 65535];

const reason123 = 'r'.repeat(123);
const reason123Multibyte = '€'.repeat(41); // 41 × 3 bytes = 123 bytes of UTF-8

const cases: Case[] = [
  { id: '7.1.1', title: 'a message, then Close 1000', steps: [text('Hello'), close(1000)], echo: ['Hello'], close: echoes(1000) },
  { id: '7.1.2', title: 'two Close frames: one answer', steps: [close(1000), close(1001)], close: echoes(1000) },
  { id: '7.1.3', title: 'a ping after Close: no pong', steps: [close(1000), ping('too late')], close: echoes(1000) },
  { id: '7.1.4', title: 'a message after Close: no echo', steps: [close(1000), text('too late')], close: echoes(1000) },
  {
    id: '7.1.5',
    title: 'fragment, Close, continuation: the message never completes',
    steps: [text('frag', { fin: false }), close(1000), cont('ment')],
    close: echoes(1000),
  },
  {
    id: '7.1.6',
    title: 'garbage after Close is ignored',
    steps: [close(1000), { raw: Buffer.from('ff ff ff ff 00 00'.replace(/ /g, ''), 'hex') }],
    close: echoes(1000),
  },
  {
    id: '7.1.7',
    title: 'a 256 KiB message, then ping, then Close after the echo',
    steps: [binary(Buffer.alloc(256 * 1024, 0x5a)), ping('after'), awaitReplies(2), close(1000)],
    echo: [Buffer.alloc(256 * 1024, 0x5a)],
    pongs: ['after'],
    close: echoes(1000),
  },
  {
    id: '7.1.8',
    title: 'a message and Close in one write: the echo goes out, then the Close reply',
    // The application's reply to a message read before the Close still leaves, and before our
    // Close (RFC 6455 §5.5.1: no data after it); the runner checks the Close is the last frame.
    steps: [
      {
        frames: [
          { op: Op.text, data: 'last words' },
          { op: Op.close, data: closePayload(1000) },
        ],
      },
    ],
    echo: ['last words'],
    close: echoes(1000),
  },
  { id: '7.3.1', title: 'empty Close → empty Close (1005)', steps: [close()], close: echoes(1005) },
  { id: '7.3.2', title: 'Close with a 1-byte payload → 1002', steps: [frame({ op: Op.close, data: Buffer.from([0x03]) })], close: fails(1002) },
  { id: '7.3.3', title: 'Close 1000 with no reason', steps: [close(1000)], close: echoes(1000, '') },
  { id: '7.3.4', title: 'Close 1000 with a reason: both echoed', steps: [close(1000, 'bye now')], close: echoes(1000, 'bye now') },
  { id: '7.3.5', title: 'Close with a 123-byte reason, the most that fits', steps: [close(1000, reason123)], close: echoes(1000, reason123) },
  {
    id: '7.3.6',
    title: 'Close with a 123-byte reason of 3-byte characters',
    steps: [close(1000, reason123Multibyte)],
    close: echoes(1000, reason123Multibyte),
  },
  { id: '7.3.7', title: 'Close with a 124-byte reason (a 126-byte control frame) → 1002', steps: [close(1000, 'r'.repeat(124))], close: fails(1002) },
  {
    id: '7.5.1',
    title: 'Close reason with invalid UTF-8 → 1007',
    steps: [frame({ op: Op.close, data: closePayload(1000, Buffer.from('cebae1bdb9cf83ceb9ceb5eda080', 'hex')) })],
    close: fails(1007),
  },
  {
    id: '7.5.2',
    title: 'Close reason ending inside a character → 1007',
    steps: [frame({ op: Op.close, data: closePayload(1000, Buffer.from('6279e282', 'hex')) })],
    close: fails(1007),
  },
  { id: '7.5.3', title: 'Close reason written one byte at a time', steps: [close(1000, 'κόσμε', { chop: 1 })], close: echoes(1000, 'κόσμε') },
  ...VALID_CODES.map((code, i): Case => ({ id: `7.7.${i + 1}`, title: `Close ${code} is echoed`, steps: [close(code)], close: echoes(code) })),
  ...INVALID_CODES.map(
    (code, i): Case => ({ id: `7.9.${i + 1}`, title: `Close ${code} → 1002`, steps: [frame({ op: Op.close, data: closePayload(code) })], close: fails(1002) }),
  ),
  ...INVALID_CODES.map(
    (code, i): Case => ({
      id: `7.9.${i + 1}.1`,
      title: `Close ${code} with a reason → 1002`,
      steps: [frame({ op: Op.close, data: closePayload(code, 'why') })],
      close: fails(1002),
    }),
  ),
];

conformance('close', cases, WITH_DEFLATE);
