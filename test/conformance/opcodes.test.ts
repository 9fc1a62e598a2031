/** Opcodes (Autobahn 4.x): reserved data (0x3-0x7) and control (0xB-0xF) opcodes fail with 1002. */
import { awaitReplies, close, fails, frame, pattern, ping, text, type Case } from './case.js';
import { conformance, WITH_DEFLATE } from './runner.js';

const DATA = [0x3, 0x4, 0x5, 0x6, 0x7];
const CONTROL = [0xb, 0xc, 0xd, 0xe, 0xf];

function reserved(group: number, opcodes: number[]): Case[] {
  return opcodes.flatMap((op, i): Case[] => [
    {
      id: `4.${group}.${i + 1}`,
      title: `empty frame with reserved opcode 0x${op.toString(16)} → 1002`,
      steps: [frame({ op }), close(1000)],
      close: fails(1002),
    },
    {
      id: `4.${group}.${i + 1}.1`,
      title: `text echoed, then opcode 0x${op.toString(16)} with a payload, then a ping: no pong`,
      steps: [text('before'), awaitReplies(1), frame({ op, data: pattern(20) }), ping('never answered')],
      echo: ['before'],
      close: fails(1002),
    },
  ]);
}

const cases: Case[] = [
  ...reserved(1, DATA),
  ...reserved(2, CONTROL),
  {
    id: '4.3',
    title: 'reserved opcode with a 16-bit length fails on the header alone',
    steps: [frame({ op: 0x5, data: pattern(1000) }, 4), close(1000)],
    close: fails(1002),
  },
];

conformance('opcodes', cases, WITH_DEFLATE);
