/** Reserved bits (Autobahn 3.x and our own): RSV1-3 with no extension negotiated fail with 1002. */
import { awaitReplies, binary, close, cont, delay, fails, frame, Op, pattern, ping, pong, text, type Case } from './case.js';
import { conformance } from './runner.js';

const cases: Case[] = [
  ...[1, 2, 3, 4, 5, 6, 7].map(
    (rsv): Case => ({
      id: `3.1.${rsv}`,
      title: `text frame with RSV=${rsv} → 1002`,
      steps: [text('Hello', { rsv }), close(1000)],
      close: fails(1002),
    }),
  ),
  {
    id: '3.2',
    title: 'text echoed, then a text frame with RSV=2, then a ping: no echo, no pong',
    steps: [text('first'), awaitReplies(1), text('second', { rsv: 2 }), ping('never answered')],
    echo: ['first'],
    close: fails(1002),
  },
  {
    id: '3.3',
    title: 'the same with delays between the frames',
    steps: [text('first'), delay(20), awaitReplies(1), text('second', { rsv: 3 }), delay(20), ping('never answered')],
    echo: ['first'],
    close: fails(1002),
  },
  { id: '3.4', title: 'binary frame with RSV=5 → 1002', steps: [binary(pattern(8), { rsv: 5 }), close(1000)], close: fails(1002) },
  { id: '3.5', title: 'ping with RSV=6 → 1002, no pong', steps: [ping('x', { rsv: 6 }), close(1000)], close: fails(1002) },
  { id: '3.6', title: 'close with RSV=7 → 1002', steps: [close(1000, '', { rsv: 7 })], close: fails(1002) },
  { id: '3.7', title: 'pong with RSV=1 → 1002', steps: [pong('x', { rsv: 4 }), close(1000)], close: fails(1002) },
  {
    id: '3.8',
    title: 'continuation frame with RSV=1 → 1002',
    steps: [text('frag', { fin: false }), cont('ment', { rsv: 4 }), close(1000)],
    close: fails(1002),
  },
  {
    id: '3.9',
    title: 'RSV=1 on an empty text frame written one byte at a time → 1002',
    steps: [frame({ op: Op.text, data: '', rsv: 4 }, 1), close(1000)],
    close: fails(1002),
  },
];

conformance('reserved bits', cases);
