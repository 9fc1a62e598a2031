/**
 * `closeWith`: a Close frame with any code, even one no endpoint may send (RFC 6455 §7.4.1-2:
 * 1005, 1006 and 1015 "MUST NOT be set as a status code in a Close control frame", 0-999 are
 * not used, 1016-2999 are unassigned, 5000+ do not exist), and a reason as text or as bytes
 * (invalid UTF-8 too). A correct peer answers a code it may not receive with 1002 and a reason
 * that is not UTF-8 with 1007; a valid code, with its own Close (usually the same code).
 */
import { Buffer } from 'node:buffer';
import { closePayload, parseHex } from '../../../faults/index.js';
import { closeCodeSchema } from '../schemas.js';
import { defineStep, type StepContext } from '../step-kind.js';
import { maskKeyOf, maskSchema, openConnection, writeFrames } from './frame-args.js';

type CloseWithArgs = number | { code: number; reason?: string; reasonHex?: string; mask?: boolean | string };

export const closeWithStep = defineStep<CloseWithArgs>({
  name: 'closeWith',
  summary: 'send a Close with any code, even unsendable ones (1005, 1006, 999, 5000): closeWith: 1005, or { code, reason | reasonHex }',
  schema: {
    anyOf: [
      closeCodeSchema,
      {
        type: 'object',
        required: ['code'],
        additionalProperties: false,
        properties: {
          code: closeCodeSchema,
          reason: { type: 'string' },
          reasonHex: { type: 'string', description: 'the reason as hex bytes (not UTF-8, or past 123 bytes, if you like)' },
          mask: maskSchema,
        },
        not: { required: ['reason', 'reasonHex'] },
      },
    ],
  },
  label: (args) =>
    `closeWith ${typeof args === 'number' ? args : `${args.code}${args.reason ? ` ${args.reason}` : ''}${args.reasonHex ? ` reason ${args.reasonHex}` : ''}`}`,
  async run(_args, context: StepContext) {
    const rendered = context.renderArgs<CloseWithArgs>();
    const options = typeof rendered === 'number' ? { code: rendered } : rendered;
    const reason = options.reasonHex !== undefined ? parseHex(options.reasonHex) : Buffer.from(options.reason ?? '', 'utf8');
    const maskKey = maskKeyOf(options.mask);
    // Through the engine's raw mode: it records that our Close is out, and waits for the peer's.
    await writeFrames(openConnection(context), [{ opcode: 8, payload: closePayload(options.code, reason), ...(maskKey && { maskKey }) }], context);
  },
});
