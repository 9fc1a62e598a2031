/**
 * UTF-8 (Autobahn 6.x and our own): valid text at every boundary, whole and in fragments that
 * split characters; invalid sequences → 1007, failing fast on the first bad byte, even inside
 * the first fragment or before the rest of a frame has arrived.
 */
import { awaitClose, binary, close, cont, echoes, fails, fragments, frame, Op, text, type Case } from './case.js';
import { conformance, WITH_DEFLATE } from './runner.js';

const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');

const VALID: Array<[string, string]> = [
  ['U+0000', '00'],
  ['U+007F', '7f'],
  ['U+0080', 'c280'],
  ['U+07FF', 'dfbf'],
  ['U+0800', 'e0a080'],
  ['U+D7FF, last before the surrogates', 'ed9fbf'],
  ['U+E000, first after the surrogates', 'ee8080'],
  ['U+FEFF (BOM)', 'efbbbf'],
  ['U+FFFD', 'efbfbd'],
  ['U+FFFE, a noncharacter (still valid UTF-8)', 'efbfbe'],
  ['U+FFFF', 'efbfbf'],
  ['U+10000', 'f0908080'],
  ['U+1F600', 'f09f9880'],
  ['U+10FFFF, the last code point', 'f48fbfbf'],
  ['mixed scripts', Buffer.from('Hello-µ@ßöäüàá-UTF-8!! κόσμε 😀 中文').toString('hex')],
];

const INVALID: Array<[string, string]> = [
  ['a lone continuation byte 0x80', '80'],
  ['a lone continuation byte 0xBF', 'bf'],
  ['overlong NUL C0 80', 'c080'],
  ['overlong C1 BF', 'c1bf'],
  ['overlong 3-byte E0 80 80', 'e08080'],
  ['overlong 3-byte E0 9F BF', 'e09fbf'],
  ['overlong 4-byte F0 80 80 80', 'f0808080'],
  ['overlong 4-byte F0 8F BF BF', 'f08fbfbf'],
  ['above U+10FFFF: F4 90 80 80', 'f4908080'],
  ['F5 lead byte', 'f5808080'],
  ['5-byte sequence F8 88 80 80 80', 'f888808080'],
  ['6-byte sequence FC 84 80 80 80 80', 'fc8480808080'],
  ['byte FE', 'fe'],
  ['byte FF', 'ff'],
  ['high surrogate U+D800', 'eda080'],
  ['low surrogate U+DFFF', 'edbfbf'],
  ['surrogate pair in UTF-8 (CESU-8)', 'eda0bdedb880'],
  ['lead byte followed by ASCII', 'c241'],
  ['3-byte sequence cut by ASCII', 'e0a041'],
  ['truncated 2-byte sequence at the end', '41c2'],
  ['truncated 3-byte sequence at the end', '41e0a0'],
  ['truncated 4-byte sequence at the end', '41f09080'],
  ['κόσμε with a surrogate in the middle', 'cebae1bdb9cf83ceb9ceb5eda080656469746564'],
];

/** Fragments of `size` bytes: text first, then continuations. */
function split(data: Buffer, size: number) {
  return fragments(Op.text, data, size);
}

const smiley = hex('f09f9880');
const cases: Case[] = [
  ...VALID.flatMap(([name, bytes], i): Case[] => [
    { id: `6.1.${i + 1}`, title: `valid ${name} in one frame`, steps: [text(hex(bytes)), close(1000)], echo: [hex(bytes).toString()], close: echoes(1000) },
    {
      id: `6.2.${i + 1}`,
      title: `valid ${name} in 1-byte fragments`,
      steps: [split(hex(bytes), 1), close(1000)],
      echo: [hex(bytes).toString()],
      close: echoes(1000),
    },
  ]),
  ...INVALID.flatMap(([name, bytes], i): Case[] => [
    { id: `6.3.${i + 1}`, title: `invalid: ${name} → 1007`, steps: [text(hex(bytes)), close(1000)], close: fails(1007) },
    { id: `6.4.${i + 1}`, title: `invalid: ${name}, in 1-byte fragments → 1007`, steps: [split(hex(bytes), 1), close(1000)], close: fails(1007) },
  ]),
  ...[1, 2, 3].map(
    (at): Case => ({
      id: `6.5.${at}`,
      title: `a 4-byte character split across two fragments after byte ${at}`,
      steps: [
        text(Buffer.concat([Buffer.from('a'), smiley.subarray(0, at)]), { fin: false }),
        cont(Buffer.concat([smiley.subarray(at), Buffer.from('b')])),
        close(1000),
      ],
      echo: ['a😀b'],
      close: echoes(1000),
    }),
  ),
  {
    id: '6.5.4',
    title: 'a 4-byte character split over four fragments, one byte each, with an empty fragment between',
    steps: [
      text(smiley.subarray(0, 1), { fin: false }),
      cont(smiley.subarray(1, 2), { fin: false }),
      cont('', { fin: false }),
      cont(smiley.subarray(2, 3), { fin: false }),
      cont(smiley.subarray(3)),
      close(1000),
    ],
    echo: ['😀'],
    close: echoes(1000),
  },
  {
    id: '6.6.1',
    title: 'fail fast: a bad byte in the first fragment fails before the next fragment is sent',
    steps: [text(Buffer.concat([Buffer.from('κόσμε'), hex('f4908080')]), { fin: false }), awaitClose(), cont('never read'), close(1000)],
    close: fails(1007),
  },
  {
    id: '6.6.2',
    title: 'fail fast: a valid lead byte ends the first fragment, the bad byte opens the second',
    steps: [
      text(Buffer.concat([Buffer.from('κόσμε'), hex('f4')]), { fin: false }),
      cont(hex('90'), { fin: false }),
      awaitClose(),
      cont(hex('8080')),
      close(1000),
    ],
    close: fails(1007),
  },
  {
    id: '6.6.3',
    title: 'fail fast: a bad byte early in a frame fails before the rest of that frame arrives',
    steps: [frame({ op: Op.text, data: Buffer.concat([Buffer.from('κόσμε'), hex('ff')]), declaredLength: 1000, mask: false }), awaitClose()],
    close: fails(1007),
    only: 'client',
  },
  {
    id: '6.6.4',
    title: 'fail fast: a bad byte early in a masked frame fails before the rest of that frame arrives',
    steps: [frame({ op: Op.text, data: Buffer.concat([Buffer.from('κόσμε'), hex('ff')]), declaredLength: 1000 }), awaitClose()],
    close: fails(1007),
    only: 'server',
  },
  {
    id: '6.6.5',
    title: 'fail fast: a truncated sequence followed by ASCII, the frame written one byte at a time',
    steps: [text(Buffer.concat([Buffer.from('abc'), hex('e0a0'), Buffer.from('def')]), { fin: false, chop: 1 }), awaitClose(), cont('x')],
    close: fails(1007),
  },
  {
    id: '6.7.1',
    title: 'a message ending inside a character (valid so far, incomplete at fin) → 1007',
    steps: [text(hex('e282'), { fin: false }), cont(hex(''))],
    close: fails(1007),
  },
  {
    id: '6.7.2',
    title: 'invalid UTF-8 in a binary message is just bytes',
    steps: [binary(hex('c0 80 ed a0 80 ff')), close(1000)],
    echo: [hex('c080eda080ff')],
    close: echoes(1000),
  },
  {
    id: '6.7.3',
    title: 'a text message after a bad binary one is checked afresh',
    steps: [binary(hex('e2 82')), text('€'), close(1000)],
    echo: [hex('e282'), '€'],
    close: echoes(1000),
  },
];

conformance('UTF-8', cases, WITH_DEFLATE);
