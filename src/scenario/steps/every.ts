/**
 * `every: { interval, send, times }`: send a message periodically while the next steps run
 * (an application-level heartbeat), until `times` have been sent, the connection closes, or the
 * scenario ends.
 */
import { formatDuration, parseDuration } from '../../templating/index.js';
import { checkMessageRef, describeMessageRef } from './message-ref.js';
import { durationSchema, messageRefSchema } from './schemas.js';
import { abortableSleep } from '../abortable.js';
import { defineStep, type StepContext } from './step-kind.js';

interface EveryArgs {
  interval: string | number;
  send: unknown;
  times?: number;
}

export const everyStep = defineStep<EveryArgs>({
  name: 'every',
  summary: 'send a message periodically while the next steps run: every: { interval: 1s, send: NAME, times }',
  schema: {
    type: 'object',
    required: ['interval', 'send'],
    additionalProperties: false,
    properties: { interval: durationSchema, send: messageRefSchema, times: { type: 'integer', minimum: 1 } },
  },
  check: (args, context) => checkMessageRef(args.send, context.file, ['send']),
  label: (args) => `every ${args.interval} send ${describeMessageRef(args.send)}${args.times !== undefined ? ` (${args.times} times)` : ''}`,
  async run(args, context: StepContext) {
    const interval = parseDuration(context.render(args.interval, args, 'interval')) ?? 0;
    if (interval <= 0) context.fail('every: the interval must be above 0');
    const connection = context.connection();
    context.background(`every ${formatDuration(interval)} on ${connection.name}`, async (signal) => {
      for (let sent = 0; args.times === undefined || sent < args.times; sent++) {
        await abortableSleep(interval, signal);
        if (connection.closeInfo || connection.socket.readyState !== connection.socket.OPEN) return;
        // Rendered each time: {{$seq}} or {{$timestamp}} in a heartbeat change from one to the next.
        await connection.send(context.payload(args.send, args, 'send'));
      }
    });
  },
});
