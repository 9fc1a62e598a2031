/**
 * Limits and large messages (Autobahn 9.x and 10.x, and our own): big messages whole, in
 * fragments of every size and chopped into small writes; the message size limit (1009), checked
 * as soon as a header arrives, whether the message comes in one frame or in many.
 */
import { asciiText, awaitClose, binary, close, cont, echoes, fails, fragments, frame, Op, pattern, text, type Case } from './case.js';
import { conformance, WITH_DEFLATE } from './runner.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const limit = { maxMessageSize: 64 * KiB };

const cases: Case[] = [
  ...[64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB].map(
    (size, i): Case => ({
      id: `9.1.${i + 1}`,
      title: `text message of ${size / KiB} KiB in one frame`,
      steps: [text(asciiText(size)), close(1000)],
      echo: [asciiText(size)],
      close: echoes(1000),
    }),
  ),
  ...[64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB].map(
    (size, i): Case => ({
      id: `9.2.${i + 1}`,
      title: `binary message of ${size / KiB} KiB in one frame`,
      steps: [binary(pattern(size)), close(1000)],
      echo: [pattern(size)],
      close: echoes(1000),
    }),
  ),
  ...[64, 256, 4 * KiB, 64 * KiB, 1 * MiB].map(
    (fragment, i): Case => ({
      id: `9.3.${i + 1}`,
      title: `4 MiB text message in ${fragment}-byte fragments`,
      steps: [fragments(Op.text, Buffer.from(asciiText(4 * MiB)), fragment), close(1000)],
      echo: [asciiText(4 * MiB)],
      close: echoes(1000),
    }),
  ),
  ...[64, 4 * KiB, 1 * MiB].map(
    (fragment, i): Case => ({
      id: `9.4.${i + 1}`,
      title: `4 MiB binary message in ${fragment}-byte fragments`,
      steps: [fragments(Op.binary, pattern(4 * MiB), fragment), close(1000)],
      echo: [pattern(4 * MiB)],
      close: echoes(1000),
    }),
  ),
  ...[
    [64 * KiB, 64],
    [1 * MiB, 4 * KiB],
  ].map(
    ([size, chop], i): Case => ({
      id: `9.5.${i + 1}`,
      title: `${size! / KiB} KiB binary message written in ${chop}-byte pieces`,
      steps: [binary(pattern(size!), { chop: chop! }), close(1000)],
      echo: [pattern(size!)],
      close: echoes(1000),
    }),
  ),
  {
    id: '10.1.1',
    title: '64 KiB text message in 1300-byte fragments',
    steps: [fragments(Op.text, Buffer.from(asciiText(65536)), 1300), close(1000)],
    echo: [asciiText(65536)],
    close: echoes(1000),
  },
  {
    id: 'L.1',
    title: 'a message of exactly maxMessageSize is accepted',
    steps: [binary(pattern(64 * KiB)), close(1000)],
    echo: [pattern(64 * KiB)],
    close: echoes(1000),
    options: limit,
  },
  {
    id: 'L.2',
    title: 'a message of exactly maxMessageSize in 64-byte fragments is accepted',
    steps: [fragments(Op.text, Buffer.from(asciiText(64 * KiB)), 64), close(1000)],
    echo: [asciiText(64 * KiB)],
    close: echoes(1000),
    options: limit,
  },
  {
    id: 'L.3',
    title: 'one byte over maxMessageSize → 1009, decided on the header before the payload is sent',
    steps: [frame({ op: Op.binary, data: Buffer.alloc(0), declaredLength: 64 * KiB + 1 }), awaitClose(), { raw: pattern(64 * KiB + 1) }],
    close: fails(1009),
    options: limit,
  },
  {
    id: 'L.4',
    title: 'fragments that together pass maxMessageSize → 1009 on the fragment that passes it',
    steps: [
      text(asciiText(40 * KiB), { fin: false }),
      frame({ op: Op.cont, data: Buffer.alloc(0), declaredLength: 40 * KiB }),
      awaitClose(),
      cont(asciiText(40 * KiB)),
    ],
    close: fails(1009),
    options: limit,
  },
  {
    id: 'L.5',
    title: 'many small fragments passing maxMessageSize → 1009',
    steps: [fragments(Op.binary, pattern(64 * KiB + 64), 64), close(1000)],
    close: fails(1009),
    options: limit,
  },
  {
    id: 'L.6',
    title: 'a 64-bit length of 2^40 bytes → 1009 with the default limit, on the header alone',
    steps: [frame({ op: Op.binary, data: Buffer.alloc(0), declaredLength: 2 ** 40 }), awaitClose()],
    close: fails(1009),
  },
  {
    id: 'L.7',
    title: 'a 64-bit length of 2^53 bytes → 1009',
    steps: [frame({ op: Op.binary, data: Buffer.alloc(0), declaredLength: 2 ** 53 }), awaitClose()],
    close: fails(1009),
  },
  {
    id: 'L.8',
    title: 'control frames between fragments do not count towards the message size',
    steps: [
      text(asciiText(32 * KiB), { fin: false }),
      ...Array.from({ length: 10 }, () => frame({ op: Op.pong, data: pattern(125) })),
      cont(asciiText(32 * KiB)),
      close(1000),
    ],
    echo: [asciiText(32 * KiB) + asciiText(32 * KiB)],
    close: echoes(1000),
    options: limit,
  },
];

conformance('limits', cases, WITH_DEFLATE);
