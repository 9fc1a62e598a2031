/**
 * `sendSlowly`: a message's frames dribbled onto the wire at a given rate, as a client on a bad
 * link (or a slowloris) would. A correct peer waits for the whole frame and answers the message
 * as usual; one that gives up on a slow client closes (or cuts) the connection, which the next
 * step sees.
 */
import { Buffer } from 'node:buffer';
import { buildFrame, fragmentedMessage, paceFor, pacedChunks } from '../../../faults/index.js';
import { formatDuration } from '../../../templating/index.js';
import { checkMessageRef, describeMessageRef } from '../message-ref.js';
import { messageRefSchema } from '../schemas.js';
import { defineStep, type StepContext } from '../step-kind.js';
import { maskKeyOf, maskSchema, openConnection, writeBytes } from './frame-args.js';

interface SlowlyArgs {
  message: unknown;
  bytesPerSecond: number;
  frames?: number;
  mask?: boolean | string;
}

export const sendSlowlyStep = defineStep<SlowlyArgs>({
  name: 'sendSlowly',
  summary: 'send a message a few bytes at a time: { message, bytesPerSecond: 20, frames }',
  schema: {
    type: 'object',
    required: ['message', 'bytesPerSecond'],
    additionalProperties: false,
    properties: {
      message: messageRefSchema,
      bytesPerSecond: { type: 'number', exclusiveMinimum: 0, description: 'the rate, headers included' },
      frames: { type: 'integer', minimum: 1, description: 'in how many frames (default 1)' },
      mask: maskSchema,
    },
  },
  check: (args, context) => checkMessageRef(args.message, context.file, ['message']),
  label: (args) => `sendSlowly ${describeMessageRef(args.message)} at ${args.bytesPerSecond} B/s`,
  async run(args, context: StepContext) {
    const payload = context.payload(args.message, args, 'message');
    const bytes = payload.binary ? payload.data : Buffer.from(payload.data, 'utf8');
    const frames = fragmentedMessage(payload.binary ? 2 : 1, bytes, args.frames ?? 1, [], () => maskKeyOf(args.mask));
    const wire = Buffer.concat(frames.map(buildFrame));
    const pace = paceFor(args.bytesPerSecond);
    const connection = openConnection(context);
    const started = performance.now();
    let written = 0;
    for (const [index, chunk] of pacedChunks(wire, pace).entries()) {
      if (index > 0) await context.sleep(pace.intervalMs);
      const error = connection.closeInfo ? new Error(`the connection closed (${connection.closeInfo.code})`) : await writeBytes(connection, chunk);
      if (error) {
        context.note(`${written} of ${wire.length} bytes written before: ${error.message}`);
        return;
      }
      written += chunk.length;
    }
    context.note(`${wire.length} bytes in ${formatDuration(performance.now() - started)}`);
  },
});
