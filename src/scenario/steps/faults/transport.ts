/**
 * Faults of the transport, not the frames: `abort` (TCP reset, no Close: the peer sees 1006, as
 * when a client crashes or its network drops), `stopReading` (not reading from the socket, so
 * TCP flow control pushes back on the peer: its sends must stall and its buffer grow, without
 * losing or reordering anything), and `resumeReading`.
 */
import { formatDuration, parseDuration } from '../../../templating/index.js';
import { durationSchema } from '../schemas.js';
import { defineStep, type StepContext } from '../step-kind.js';
import { openConnection } from './frame-args.js';

type AbortArgs = null | { reset?: boolean };

export const abortStep = defineStep<AbortArgs>({
  name: 'abort',
  summary: 'cut the connection without a Close: - abort (a TCP reset), or abort: { reset: false } (a FIN)',
  schema: {
    anyOf: [
      { type: 'null' },
      { type: 'object', additionalProperties: false, properties: { reset: { type: 'boolean', description: 'RST (default true), or FIN' } } },
    ],
  },
  label: (args) => (args?.reset === false ? 'abort (FIN, no Close)' : 'abort (TCP reset)'),
  async run(args, context: StepContext) {
    const connection = openConnection(context);
    connection.socket.terminate({ reset: args?.reset ?? true });
    await connection.closed;
  },
});

type StopReadingArgs = null | string | number | { for?: string | number };

export const stopReadingStep = defineStep<StopReadingArgs>({
  name: 'stopReading',
  summary: 'stop reading from the socket (the peer meets backpressure): stopReading: 2s, or - stopReading (until resumeReading)',
  schema: {
    anyOf: [{ type: 'null' }, durationSchema, { type: 'object', additionalProperties: false, properties: { for: durationSchema } }],
  },
  label(args) {
    const duration = args !== null && typeof args === 'object' ? args.for : args;
    return duration === null || duration === undefined ? 'stopReading (until resumeReading)' : `stopReading for ${duration}`;
  },
  async run(_args, context: StepContext) {
    const rendered = context.renderArgs<StopReadingArgs>();
    const duration = rendered !== null && typeof rendered === 'object' ? rendered.for : rendered;
    const connection = openConnection(context);
    connection.socket.pause();
    if (duration === null || duration === undefined) return;
    const ms = parseDuration(duration) ?? 0;
    try {
      await context.sleep(ms);
    } finally {
      connection.socket.resume();
    }
    context.note(`did not read for ${formatDuration(ms)}`);
  },
});

export const resumeReadingStep = defineStep<null>({
  name: 'resumeReading',
  summary: 'read from the socket again after stopReading',
  schema: { type: 'null' },
  async run(_args, context: StepContext) {
    context.connection().socket.resume();
  },
});
