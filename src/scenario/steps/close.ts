/**
 * `close` starts the closing handshake (a code, { code, reason }, or none: a Close without a
 * code, which the peer sees as 1005); `expectClose` waits for the connection to end and checks
 * how: the code and reason the socket reports (the peer's Close, or 1006 without one).
 */
import { formatDuration, parseDuration } from '../../templating/index.js';
import { showClose } from './received-text.js';
import { closeCodeSchema, durationSchema } from './schemas.js';
import { defineStep, type StepContext } from './step-kind.js';

type CloseArgs = null | number | { code?: number; reason?: string };

export const closeStep = defineStep<CloseArgs>({
  name: 'close',
  summary: 'start the closing handshake: close: 1000, close: { code, reason }, or - close (no code)',
  schema: {
    anyOf: [
      { type: 'null' },
      closeCodeSchema,
      { type: 'object', additionalProperties: false, properties: { code: closeCodeSchema, reason: { type: 'string' } } },
    ],
  },
  label: (args) => (args === null ? 'close' : `close ${typeof args === 'number' ? args : `${args.code ?? ''} ${args.reason ?? ''}`.trim()}`),
  async run(_args, context: StepContext) {
    const rendered = context.renderArgs<CloseArgs>();
    const { code, reason } = rendered === null ? {} : typeof rendered === 'number' ? { code: rendered } : rendered;
    const connection = context.connection();
    try {
      connection.socket.close(code, reason);
    } catch (error) {
      context.fail(`cannot close with ${code}: ${(error as Error).message} (a fault step such as closeWith sends any code)`);
    }
  },
});

type ExpectCloseArgs = null | number | { code?: number; reason?: string; within?: string | number };

export const expectCloseStep = defineStep<ExpectCloseArgs>({
  name: 'expectClose',
  summary: 'the connection must end (within a time, default 5s): expectClose: 1000, or { code, reason, within }',
  schema: {
    anyOf: [
      { type: 'null' },
      closeCodeSchema,
      {
        type: 'object',
        additionalProperties: false,
        properties: { code: closeCodeSchema, reason: { type: 'string' }, within: durationSchema },
      },
    ],
  },
  label: (args) => (args === null ? 'expectClose' : `expectClose ${typeof args === 'number' ? args : (args.code ?? '')}`.trim()),
  async run(_args, context: StepContext) {
    const rendered = context.renderArgs<ExpectCloseArgs>();
    const expected = rendered === null ? {} : typeof rendered === 'number' ? { code: rendered } : rendered;
    const ms = (expected.within !== undefined ? parseDuration(expected.within) : undefined) ?? context.defaultTimeoutMs;
    const connection = context.connection();
    const closed = await connection.waitForClose(ms, context.signal);
    if (!closed) context.fail(`the connection did not close within ${formatDuration(ms)}`);
    const received = showClose(closed);
    if (expected.code !== undefined && closed.code !== expected.code) {
      context.fail(`closed with ${received}, expected ${expected.code}`, { received, diff: `- ${expected.code}\n+ ${closed.code}` });
    }
    if (expected.reason !== undefined && closed.reason !== expected.reason) {
      context.fail(`closed with reason ${JSON.stringify(closed.reason)}, expected ${JSON.stringify(expected.reason)}`, { received });
    }
    const unread = connection.pending('message');
    context.note(`closed ${received}${unread > 0 ? `; ${unread} message${unread === 1 ? '' : 's'} not expected by any step` : ''}`);
  },
});
