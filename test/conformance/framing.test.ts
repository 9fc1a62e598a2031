/** Framing (Autobahn 1.x and our own): every length encoding, chopped writes, non-minimal lengths. */
import { asciiText, binary, close, echoes, fails, frame, Op, pattern, text, together, type Case } from './case.js';
import { conformance, WITH_DEFLATE } from './runner.js';

const LENGTHS = [0, 125, 126, 127, 128, 65535, 65536];

const cases: Case[] = [
  ...LENGTHS.map(
    (length, i): Case => ({
      id: `1.1.${i + 1}`,
      title: `text message of ${length} bytes`,
      steps: [text(asciiText(length)), close(1000)],
      echo: [asciiText(length)],
      close: echoes(1000),
    }),
  ),
  {
    id: '1.1.8',
    title: 'text message of 65536 bytes written in 997-byte pieces',
    steps: [text(asciiText(65536), { chop: 997 }), close(1000)],
    echo: [asciiText(65536)],
    close: echoes(1000),
  },
  ...LENGTHS.map(
    (length, i): Case => ({
      id: `1.2.${i + 1}`,
      title: `binary message of ${length} bytes`,
      steps: [binary(pattern(length)), close(1000)],
      echo: [pattern(length)],
      close: echoes(1000),
    }),
  ),
  {
    id: '1.2.8',
    title: 'binary message of 65536 bytes written in 997-byte pieces',
    steps: [binary(pattern(65536), { chop: 997 }), close(1000)],
    echo: [pattern(65536)],
    close: echoes(1000),
  },
  {
    id: '1.3.1',
    title: 'a small text frame written one byte at a time',
    steps: [text('Hello, wscope', { chop: 1 }), close(1000)],
    echo: ['Hello, wscope'],
    close: echoes(1000),
  },
  {
    id: '1.3.2',
    title: 'a 16-bit length header written one byte at a time',
    steps: [binary(pattern(300), { chop: 1 }), close(1000)],
    echo: [pattern(300)],
    close: echoes(1000),
  },
  {
    id: '1.3.3',
    title: 'three messages in one write',
    steps: [together(text('one'), binary(pattern(3)), text('three')), close(1000)],
    echo: ['one', pattern(3), 'three'],
    close: echoes(1000),
  },
  {
    id: '1.3.4',
    title: '100 messages in one write',
    steps: [together(...Array.from({ length: 100 }, (_, i) => text(`message ${i}`))), close(1000)],
    echo: Array.from({ length: 100 }, (_, i) => `message ${i}`),
    close: echoes(1000),
  },
  {
    id: '1.4.1',
    title: 'a 5-byte payload with a 16-bit length field (not minimal) → 1002',
    steps: [frame({ op: Op.text, data: 'short', len: 16 }), close(1000)],
    close: fails(1002),
  },
  {
    id: '1.4.2',
    title: 'a 200-byte payload with a 64-bit length field (not minimal) → 1002',
    steps: [frame({ op: Op.binary, data: pattern(200), len: 64 }), close(1000)],
    close: fails(1002),
  },
  {
    id: '1.4.3',
    title: 'a 64-bit length with its most significant bit set → 1002',
    steps: [{ raw: Buffer.from('827f8000000000000000', 'hex') }],
    close: fails(1002),
    only: 'client',
  },
  {
    id: '1.4.4',
    title: 'a masked 64-bit length with its most significant bit set → 1002',
    steps: [{ raw: Buffer.from('82ff800000000000000001020304', 'hex') }],
    close: fails(1002),
    only: 'server',
  },
];

conformance('framing', cases, WITH_DEFLATE);
