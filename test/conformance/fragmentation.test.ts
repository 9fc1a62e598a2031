/**
 * Fragmentation (Autobahn 5.x and our own): messages in fragments, control frames interleaved,
 * fragmented control frames, continuations with no message and data frames inside a message.
 */
import { awaitReplies, binary, close, cont, delay, echoes, fails, fragments, frame, Op, pattern, ping, pong, text, together, type Case } from './case.js';
import { conformance, WITH_DEFLATE } from './runner.js';

const cases: Case[] = [
  { id: '5.1', title: 'ping in two fragments → 1002', steps: [ping('frag', { fin: false }), cont('ment'), close(1000)], close: fails(1002) },
  { id: '5.2', title: 'pong in two fragments → 1002', steps: [pong('frag', { fin: false }), cont('ment'), close(1000)], close: fails(1002) },
  { id: '5.3', title: 'text in two fragments', steps: [text('frag', { fin: false }), cont('ment'), close(1000)], echo: ['fragment'], close: echoes(1000) },
  { id: '5.4', title: 'text in two fragments with a delay between them', steps: [text('frag', { fin: false }), delay(30), cont('ment'), close(1000)], echo: ['fragment'], close: echoes(1000) },
  {
    id: '5.5',
    title: 'text in two fragments written one byte at a time',
    steps: [{ ...together(text('frag', { fin: false }), cont('ment')), chop: 1 }, close(1000)],
    echo: ['fragment'],
    close: echoes(1000),
  },
  { id: '5.6', title: 'text fragment, ping, continuation', steps: [text('frag', { fin: false }), ping('in between'), cont('ment'), close(1000)], echo: ['fragment'], pongs: ['in between'], close: echoes(1000) },
  {
    id: '5.7',
    title: 'text fragment, ping, continuation with delays',
    steps: [text('frag', { fin: false }), delay(20), ping('in between'), delay(20), cont('ment'), close(1000)],
    echo: ['fragment'],
    pongs: ['in between'],
    close: echoes(1000),
  },
  {
    id: '5.8',
    title: 'text fragment, ping, continuation written one byte at a time',
    steps: [{ ...together(text('frag', { fin: false }), ping('in between'), cont('ment')), chop: 1 }, close(1000)],
    echo: ['fragment'],
    pongs: ['in between'],
    close: echoes(1000),
  },
  { id: '5.9', title: 'final continuation with no message in progress → 1002', steps: [cont('orphan'), text('after'), close(1000)], close: fails(1002) },
  { id: '5.10', title: 'the same written one byte at a time', steps: [cont('orphan', { chop: 1 }), text('after'), close(1000)], close: fails(1002) },
  { id: '5.11', title: 'non-final continuation with no message in progress → 1002', steps: [cont('orphan', { fin: false }), cont('more'), close(1000)], close: fails(1002) },
  {
    id: '5.12',
    title: 'a message, then a continuation after its final fragment → 1002',
    steps: [text('one', { fin: false }), cont('two'), awaitReplies(1), cont('three', { fin: false }), cont('four'), close(1000)],
    echo: ['onetwo'],
    close: fails(1002),
  },
  { id: '5.13', title: 'a text frame inside a fragmented text message → 1002', steps: [text('one', { fin: false }), text('two', { fin: false }), close(1000)], close: fails(1002) },
  { id: '5.14', title: 'a final text frame inside a fragmented text message → 1002', steps: [text('one', { fin: false }), text('two'), close(1000)], close: fails(1002) },
  { id: '5.15', title: 'a binary frame inside a fragmented text message → 1002', steps: [text('one', { fin: false }), binary(pattern(2)), close(1000)], close: fails(1002) },
  {
    id: '5.16',
    title: 'five text fragments with a ping between each, with delays',
    steps: [
      text('f1', { fin: false }), ping('p1'), delay(10),
      cont('f2', { fin: false }), ping('p2'), delay(10),
      cont('f3', { fin: false }), ping('p3'), delay(10),
      cont('f4', { fin: false }), ping('p4'), delay(10),
      cont('f5'), close(1000),
    ],
    echo: ['f1f2f3f4f5'],
    pongs: ['p1', 'p2', 'p3', 'p4'],
    close: echoes(1000),
  },
  {
    id: '5.17',
    title: 'the same, all in one write, with a pong between fragments too',
    steps: [together(text('f1', { fin: false }), ping('p1'), cont('f2', { fin: false }), pong('unsolicited'), cont('f3', { fin: false }), ping('p2'), cont('f4')), close(1000)],
    echo: ['f1f2f3f4'],
    pongs: ['p1', 'p2'],
    close: echoes(1000),
  },
  { id: '5.18', title: 'empty fragments make an empty message', steps: [text('', { fin: false }), cont('', { fin: false }), cont(''), close(1000)], echo: [''], close: echoes(1000) },
  { id: '5.19', title: 'binary message in 3 fragments', steps: [fragments(Op.binary, pattern(300), 100), close(1000)], echo: [pattern(300)], close: echoes(1000) },
  { id: '5.20', title: 'binary message in 1-byte fragments', steps: [fragments(Op.binary, pattern(50), 1), close(1000)], echo: [pattern(50)], close: echoes(1000) },
  { id: '5.21', title: 'a close frame in two fragments → 1002', steps: [frame({ op: Op.close, data: Buffer.from([0x03, 0xe8]), fin: false }), cont('')], close: fails(1002) },
  {
    id: '5.22',
    title: 'a Close inside a fragmented message is answered; the message is dropped',
    steps: [text('never', { fin: false }), close(1000), cont('finished')],
    close: echoes(1000),
  },
  {
    id: '5.23',
    title: 'two fragmented messages back to back',
    steps: [text('ab', { fin: false }), cont('cd'), binary(pattern(2), { fin: false }), cont(pattern(3)), close(1000)],
    echo: ['abcd', Buffer.concat([pattern(2), pattern(3)])],
    close: echoes(1000),
  },
];

conformance('fragmentation', cases, WITH_DEFLATE);
