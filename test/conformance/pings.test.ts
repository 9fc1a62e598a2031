/** Pings and pongs (Autobahn 2.x and our own): payload sizes up to the 125-byte limit, unsolicited pongs. */
import { awaitClose, binary, close, echoes, fails, frame, Op, pattern, ping, pong, text, together, type Case } from './case.js';
import { conformance, WITH_DEFLATE } from './runner.js';

const tenPings = Array.from({ length: 10 }, (_, i) => `ping ${i}`);

const cases: Case[] = [
  { id: '2.1', title: 'empty ping → empty pong', steps: [ping(), close(1000)], pongs: [''], close: echoes(1000) },
  { id: '2.2', title: 'ping with a text payload', steps: [ping('Hello, wscope'), close(1000)], pongs: ['Hello, wscope'], close: echoes(1000) },
  {
    id: '2.3',
    title: 'ping with a binary payload',
    steps: [ping(Buffer.from('00ff80fe7f0102', 'hex')), close(1000)],
    pongs: [Buffer.from('00ff80fe7f0102', 'hex')],
    close: echoes(1000),
  },
  {
    id: '2.4',
    title: 'ping with 125 bytes, the most a control frame holds',
    steps: [ping(pattern(125)), close(1000)],
    pongs: [pattern(125)],
    close: echoes(1000),
  },
  { id: '2.5', title: 'ping with 126 bytes → 1002, no pong', steps: [ping(pattern(126)), close(1000)], close: fails(1002) },
  {
    id: '2.5.1',
    title: 'ping header declaring 126 bytes fails before its payload arrives',
    steps: [frame({ op: Op.ping, data: Buffer.alloc(0), declaredLength: 126 }), awaitClose(), { raw: pattern(126) }],
    close: fails(1002),
  },
  {
    id: '2.6',
    title: 'ping with 125 bytes written one byte at a time',
    steps: [ping(pattern(125), { chop: 1 }), close(1000)],
    pongs: [pattern(125)],
    close: echoes(1000),
  },
  { id: '2.7', title: 'unsolicited empty pong: no answer', steps: [pong(), close(1000)], close: echoes(1000) },
  { id: '2.8', title: 'unsolicited pong with a payload: no answer', steps: [pong('unsolicited'), close(1000)], close: echoes(1000) },
  {
    id: '2.9',
    title: 'unsolicited pong, then a ping: one pong, for the ping',
    steps: [pong('unsolicited'), ping('solicited'), close(1000)],
    pongs: ['solicited'],
    close: echoes(1000),
  },
  {
    id: '2.10',
    title: '10 pings in one write → 10 pongs in order',
    steps: [together(...tenPings.map((p) => ping(p))), close(1000)],
    pongs: tenPings,
    close: echoes(1000),
  },
  {
    id: '2.11',
    title: '10 pings written one byte at a time',
    steps: [{ ...together(...tenPings.map((p) => ping(p))), chop: 1 }, close(1000)],
    pongs: tenPings,
    close: echoes(1000),
  },
  {
    id: '2.12',
    title: 'a 5-byte ping with a 16-bit length field (not minimal) → 1002',
    steps: [frame({ op: Op.ping, data: 'hello', len: 16 }), close(1000)],
    close: fails(1002),
  },
  {
    id: '2.13',
    title: 'ping of 125 bytes with a 64-bit length field → 1002',
    steps: [frame({ op: Op.ping, data: pattern(125), len: 64 }), close(1000)],
    close: fails(1002),
  },
  {
    id: '2.14',
    title: 'pings between messages',
    steps: [text('a'), ping('1'), binary(pattern(2)), ping('2'), close(1000)],
    echo: ['a', pattern(2)],
    pongs: ['1', '2'],
    close: echoes(1000),
  },
];

conformance('pings', cases, WITH_DEFLATE);
