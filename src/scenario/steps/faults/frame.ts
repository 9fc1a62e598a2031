/**
 * `frame`: one frame exactly as described, however invalid; `rawBytes`: bytes on the wire as
 * they are, framed or not. What a correct server answers depends on what was broken (see
 * docs/scenarios-faults.md): RSV bits without an extension, a reserved opcode, an unmasked
 * frame from a client, a fragmented or oversized control frame are all 1002.
 */
import type { Buffer } from 'node:buffer';
import { parseBase64, parseHex } from '../../../templating/index.js';
import { defineStep, type StepContext, StepArgsError } from '../step-kind.js';
import { checkFrameArgs, type FrameArgs, frameSchema, openConnection, renderedFrame, writeBytes, writeFrames } from './frame-args.js';

export const frameStep = defineStep<FrameArgs>({
  name: 'frame',
  summary: 'send one frame as described, however invalid: { opcode, fin, rsv1-3, payload (hex) | text, mask, declaredLength, lengthForm }',
  schema: frameSchema,
  check: (args) => checkFrameArgs(args),
  label(args) {
    const bits = ['fin', 'rsv1', 'rsv2', 'rsv3']
      .filter((bit) => args[bit as keyof FrameArgs] === (bit !== 'fin'))
      .map((bit) => (bit === 'fin' ? 'FIN off' : bit));
    const lie = args.declaredLength !== undefined ? ` declaring ${args.declaredLength} bytes` : '';
    return `frame ${args.opcode}${bits.length > 0 ? ` ${bits.join(' ')}` : ''}${args.mask === false ? ' unmasked' : ''}${lie}`;
  },
  async run(args, context: StepContext) {
    const frame = renderedFrame(args, context.step.map, 'frame', context);
    await writeFrames(openConnection(context), [frame], context);
  },
});

type RawBytesArgs = string | { hex: string } | { base64: string };

export const rawBytesStep = defineStep<RawBytesArgs>({
  name: 'rawBytes',
  summary: 'write bytes to the socket as they are (no framing, no mask): rawBytes: "81 05 48 65 6c 6c 6f", or { hex } | { base64 }',
  schema: {
    anyOf: [
      { type: 'string', description: 'hex bytes' },
      { type: 'object', required: ['hex'], additionalProperties: false, properties: { hex: { type: 'string' } } },
      { type: 'object', required: ['base64'], additionalProperties: false, properties: { base64: { type: 'string' } } },
    ],
  },
  check(args) {
    if (JSON.stringify(args).includes('{{')) return;
    try {
      bytesOf(args);
    } catch (error) {
      throw new StepArgsError((error as Error).message);
    }
  },
  label: (args) => `rawBytes ${typeof args === 'string' ? args : 'hex' in args ? args.hex : `base64 ${args.base64}`}`.slice(0, 80),
  async run(_args, context: StepContext) {
    const bytes = bytesOf(context.renderArgs<RawBytesArgs>());
    const connection = openConnection(context);
    const error = await writeBytes(connection, bytes);
    if (error) context.note(`not written: ${error.message}`);
  },
});

function bytesOf(args: RawBytesArgs): Buffer {
  if (typeof args === 'string') return parseHex(args);
  return 'hex' in args ? parseHex(args.hex) : parseBase64(args.base64);
}
