/**
 * `oversize`: a frame bigger than the peer accepts — really (`size` bytes sent) or only declared
 * (a header claiming `size` bytes, and nothing after it). A correct peer refuses it with 1009
 * (RFC 6455 §7.4.1: "a message that is too big for it to process"), best as soon as the header
 * says so, before buffering the payload (as ws's maxPayload and python-websockets' max_size do).
 */
import { Buffer } from 'node:buffer';
import { buildFrame, fragmentedMessage } from '../../../faults/index.js';
import { defineStep, type StepContext, StepArgsError } from '../step-kind.js';
import { maskKeyOf, maskSchema, openConnection, writeBytes, writeFrames } from './frame-args.js';

interface OversizeArgs {
  size: number | string;
  declared?: boolean;
  opcode?: 'text' | 'binary';
  frames?: number;
  mask?: boolean | string;
}

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
export const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([kKmMgG]i?[bB]|[bB])?\\s*$';

/** `2MiB`, `1.5 MB`, `65536`: bytes. */
export function parseSize(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(value);
  if (!match?.[1]) throw new StepArgsError(`"${value}" is not a size (e.g. 65536, 64KiB, 2MiB, 1.5MB)`);
  return Math.round(Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1));
}

/** A real frame is held in memory whole: past this, only a declared size makes sense. */
const MAX_REAL_SIZE = 1024 ** 3;

export const oversizeStep = defineStep<OversizeArgs>({
  name: 'oversize',
  summary: "send a frame past the peer's limit: { size: 2MiB, declared: false } (declared: only the header claims it)",
  schema: {
    type: 'object',
    required: ['size'],
    additionalProperties: false,
    properties: {
      size: {
        description: 'payload bytes: 65536, 64KiB, 2MiB, 1.5MB',
        anyOf: [
          { type: 'integer', minimum: 0 },
          { type: 'string', pattern: SIZE_PATTERN },
        ],
      },
      declared: { type: 'boolean', description: 'true: send only a header declaring size bytes; false (default): send them' },
      opcode: { enum: ['text', 'binary'], description: 'default binary' },
      frames: { type: 'integer', minimum: 1, description: 'a real message in this many frames (the message, not one frame, is too big)' },
      mask: maskSchema,
    },
  },
  check(args) {
    const size = parseSize(args.size);
    if (!args.declared && size > MAX_REAL_SIZE)
      throw new StepArgsError(`a real payload of ${size} bytes is past ${MAX_REAL_SIZE} (1GiB): use declared: true`, ['size']);
    if (args.declared && args.frames !== undefined) throw new StepArgsError('frames is for a real payload, not a declared one', ['frames']);
  },
  label: (args) => `oversize ${args.size}${args.declared ? ' declared' : ''}${args.frames ? ` in ${args.frames} frames` : ''}`,
  async run(args, context: StepContext) {
    const size = parseSize(args.size);
    const opcode = args.opcode === 'text' ? 1 : 2;
    const connection = openConnection(context);
    if (args.declared) {
      const maskKey = maskKeyOf(args.mask);
      const error = await writeBytes(connection, buildFrame({ opcode, declaredLength: size, ...(maskKey && { maskKey }) }));
      if (error) context.note(`not written: ${error.message}`);
      return;
    }
    // 'a' is valid text too: a peer must refuse the size, not the content.
    const frames = fragmentedMessage(opcode, Buffer.alloc(size, 0x61), args.frames ?? 1, [], () => maskKeyOf(args.mask));
    await writeFrames(connection, frames, context);
  },
});
