/**
 * `invalidUtf8`: a text message (or a Close reason) that is not UTF-8. RFC 6455 §8.1: the peer
 * "MUST _Fail the WebSocket Connection_", with 1007 (§7.4.1: "data within a message that was not
 * consistent with the type of the message"). Split over frames, a peer that checks as the frames
 * come may fail before the message ends (Autobahn's "fail fast" cases).
 */
import { closePayload, fragmentedMessage, INVALID_UTF8_KINDS, type InvalidUtf8Kind, invalidUtf8Payload } from '../../../faults/index.js';
import { defineStep, type StepContext } from '../step-kind.js';
import { maskKeyOf, maskSchema, openConnection, writeFrames } from './frame-args.js';

type InvalidUtf8Args = null | InvalidUtf8Kind | { kind?: InvalidUtf8Kind; in?: 'text' | 'closeReason'; frames?: number; mask?: boolean | string };

const kindSchema = { enum: INVALID_UTF8_KINDS, description: `how the bytes are wrong: ${INVALID_UTF8_KINDS.join(', ')} (default invalid-byte)` };

export const invalidUtf8Step = defineStep<InvalidUtf8Args>({
  name: 'invalidUtf8',
  summary: `send text that is not UTF-8: - invalidUtf8, invalidUtf8: surrogate, or { kind, in: text | closeReason, frames }`,
  schema: {
    anyOf: [
      { type: 'null' },
      kindSchema,
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          kind: kindSchema,
          in: { enum: ['text', 'closeReason'], description: 'a text message (default), or the reason of a Close 1000' },
          frames: { type: 'integer', minimum: 1, description: 'a text message in this many frames (default 1)' },
          mask: maskSchema,
        },
      },
    ],
  },
  label(args) {
    const options = args === null ? {} : typeof args === 'string' ? { kind: args } : args;
    return `invalidUtf8 ${options.kind ?? 'invalid-byte'}${options.in === 'closeReason' ? ' in a close reason' : ''}${options.frames ? ` in ${options.frames} frames` : ''}`;
  },
  async run(args, context: StepContext) {
    const options = args === null ? {} : typeof args === 'string' ? { kind: args } : args;
    const bad = invalidUtf8Payload(options.kind ?? 'invalid-byte');
    const key = () => maskKeyOf(options.mask);
    const frames =
      options.in === 'closeReason'
        ? fragmentedMessage(8, closePayload(1000, bad), 1, [], key)
        : // The bad bytes end the message, so with several frames they are in the last.
          fragmentedMessage(1, bad, options.frames ?? 1, [], key);
    await writeFrames(openConnection(context), frames, context);
  },
});
