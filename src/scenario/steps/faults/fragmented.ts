/**
 * `sendFragmented`: a message in N frames (RFC 6455 §5.4), with control frames between the
 * fragments if asked. A correct peer reassembles it and handles it as if it came whole, and
 * answers a ping between fragments at once (§5.4: "An endpoint MUST be capable of handling
 * control frames in the middle of a fragmented message"); a data frame between them is 1002.
 */
import { Buffer } from 'node:buffer';
import { fragmentedMessage, type WireFrame } from '../../../faults/index.js';
import { checkMessageRef, describeMessageRef } from '../message-ref.js';
import { messageRefSchema } from '../schemas.js';
import { defineStep, type JsonSchema, type StepContext } from '../step-kind.js';
import { checkFrameArgs, type FrameArgs, frameSchema, maskKeyOf, maskSchema, openConnection, renderedFrame, writeFrames } from './frame-args.js';

type Between = 'ping' | 'pong' | FrameArgs;

interface FragmentedArgs {
  message: unknown;
  frames?: number;
  between?: Between | Between[];
  mask?: boolean | string;
}

const betweenItem: JsonSchema = { anyOf: [{ enum: ['ping', 'pong'], description: 'an empty ping or pong' }, frameSchema] };

export const sendFragmentedStep = defineStep<FragmentedArgs>({
  name: 'sendFragmented',
  summary: 'send a message in N frames, with control frames between: { message, frames: 3, between: ping }',
  schema: {
    type: 'object',
    required: ['message'],
    additionalProperties: false,
    properties: {
      message: messageRefSchema,
      frames: { type: 'integer', minimum: 1, maximum: 100_000, description: 'how many frames (default 2)' },
      between: {
        description: 'frames sent after each fragment but the last: ping, pong, a frame ({ opcode, ... }), or a list of them',
        anyOf: [betweenItem, { type: 'array', items: betweenItem }],
      },
      mask: maskSchema,
    },
  },
  check(args, context) {
    checkMessageRef(args.message, context.file, ['message']);
    betweenList(args.between).forEach((item, index) => {
      if (typeof item === 'object') checkFrameArgs(item, Array.isArray(args.between) ? ['between', index] : ['between']);
    });
  },
  label: (args) =>
    `sendFragmented ${describeMessageRef(args.message)} in ${args.frames ?? 2} frames${args.between !== undefined ? ' with frames between' : ''}`,
  async run(args, context: StepContext) {
    const payload = context.payload(args.message, args, 'message');
    const bytes = payload.binary ? payload.data : Buffer.from(payload.data, 'utf8');
    const list = betweenList(args.between);
    const between = list.map((item, index): WireFrame => {
      if (typeof item === 'object')
        return renderedFrame(item, Array.isArray(args.between) ? args.between : args, Array.isArray(args.between) ? index : 'between', context);
      const key = maskKeyOf(args.mask);
      return { opcode: item === 'ping' ? 9 : 10, ...(key && { maskKey: key }) };
    });
    const frames = fragmentedMessage(payload.binary ? 2 : 1, bytes, args.frames ?? 2, between, () => maskKeyOf(args.mask));
    await writeFrames(openConnection(context), frames, context);
  },
});

function betweenList(between: Between | Between[] | undefined): Between[] {
  if (between === undefined) return [];
  return Array.isArray(between) ? between : [between];
}
