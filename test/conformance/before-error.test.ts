/**
 * What came before a protocol error, in the same write: the messages are still delivered, their
 * echoes and the pongs leave before the endpoint's Close, and nothing after the bad frame is
 * read (RFC 6455 §7.1.7 drops what follows the error, not what preceded it). Strict peers and
 * suites expect the reply first. Until issue 8 these messages were dropped unanswered: the
 * core failed the connection while parsing, before the adapter dispatched what came before.
 */
import { binary, close, fails, frame, Op, pattern, ping, text, together, type Case } from './case.js';
import { conformance, WITH_DEFLATE } from './runner.js';

const cases: Case[] = [
  {
    id: 'E.1',
    title: 'text and binary, then a text frame with RSV2, in one write: both echoed, then 1002',
    steps: [together(text('one'), binary(pattern(300)), text('never', { rsv: 2 })), close(1000)],
    echo: ['one', pattern(300)],
    close: fails(1002),
  },
  {
    id: 'E.2',
    title: 'text, then reserved opcode 0x6, then text, in one write: the first echoed, then 1002',
    steps: [together(text('one'), frame({ op: 0x6, data: '?' }), text('never')), close(1000)],
    echo: ['one'],
    close: fails(1002),
  },
  {
    id: 'E.3',
    title: 'text and a ping, then a fragmented ping, in one write: echo and pong, then 1002',
    steps: [together(text('one'), ping('p'), frame({ op: Op.ping, data: 'fragmented', fin: false })), close(1000)],
    echo: ['one'],
    pongs: ['p'],
    close: fails(1002),
  },
  {
    id: 'E.4',
    title: 'the same as E.1 written one byte at a time',
    steps: [{ ...together(text('one'), binary(pattern(300)), text('never', { rsv: 3 })), chop: 1 }, close(1000)],
    echo: ['one', pattern(300)],
    close: fails(1002),
  },
  {
    id: 'E.5',
    title: '100 KB of binary, then reserved opcode 0xB, in one write: echoed, then 1002',
    steps: [together(binary(pattern(100_000)), frame({ op: 0xb })), close(1000)],
    echo: [pattern(100_000)],
    close: fails(1002),
  },
];

conformance('before a protocol error', cases, WITH_DEFLATE);
