/**
 * Masking by role (RFC 6455 §5.1, our own cases): a server fails on an unmasked frame, a client
 * on a masked one, whatever the frame; any key is fine when masking is due, all-zero included.
 */
import { awaitReplies, binary, close, cont, echoes, fails, fragments, Op, pattern, ping, text, type Case } from './case.js';
import { conformance, WITH_DEFLATE } from './runner.js';

const wrong = { flipMask: true } as const;

const cases: Case[] = [
  { id: 'M.1', title: 'text frame masked the wrong way for the role → 1002', steps: [text('Hello', wrong), close(1000)], close: fails(1002) },
  { id: 'M.2', title: 'empty binary frame masked the wrong way → 1002', steps: [binary(Buffer.alloc(0), wrong), close(1000)], close: fails(1002) },
  { id: 'M.3', title: 'ping masked the wrong way → 1002, no pong', steps: [ping('x', wrong), close(1000)], close: fails(1002) },
  { id: 'M.4', title: 'Close masked the wrong way → 1002', steps: [close(1000, '', wrong)], close: fails(1002) },
  { id: 'M.5', title: 'continuation masked the wrong way → 1002', steps: [text('frag', { fin: false }), cont('ment', wrong), close(1000)], close: fails(1002) },
  {
    id: 'M.6',
    title: 'a message echoed, then one masked the wrong way → 1002',
    steps: [text('fine'), awaitReplies(1), text('not fine', wrong), close(1000)],
    echo: ['fine'],
    close: fails(1002),
  },
  {
    id: 'M.7',
    title: 'a 64 KiB frame masked the wrong way fails on its header',
    steps: [binary(pattern(65536), { ...wrong, chop: 8192 }), close(1000)],
    close: fails(1002),
  },
  {
    id: 'M.8',
    title: 'the all-zero masking key is a key like any other',
    steps: [text('zero key', { maskKey: Buffer.alloc(4) }), close(1000)],
    echo: ['zero key'],
    close: echoes(1000),
    only: 'server',
  },
  {
    id: 'M.9',
    title: 'a different key for every fragment and control frame',
    steps: [
      text('one ', { fin: false, maskKey: Buffer.from('01020304', 'hex') }),
      ping('p', { maskKey: Buffer.from('ffffffff', 'hex') }),
      cont('two', { maskKey: Buffer.from('a5a5a5a5', 'hex') }),
      close(1000, '', { maskKey: Buffer.from('deadbeef', 'hex') }),
    ],
    echo: ['one two'],
    pongs: ['p'],
    close: echoes(1000),
    only: 'server',
  },
  {
    id: 'M.10',
    title: 'a masked 1 MiB message in fragments of odd sizes (masking across chunk boundaries)',
    steps: [fragments(Op.binary, pattern(1 << 20), 65537, { chop: 4099 }), close(1000)],
    echo: [pattern(1 << 20)],
    close: echoes(1000),
    only: 'server',
  },
];

conformance('masking', cases, WITH_DEFLATE);
