/** `ping` (a payload, or none) and `expectPong` (the next pong, optionally with that payload, within a time). */
import { formatDuration, parseDuration } from '../../templating/index.js';
import { showClose } from './received-text.js';
import { durationSchema } from './schemas.js';
import { defineStep, type StepContext } from './step-kind.js';

type PingArgs = null | string | { data?: string };

export const pingStep = defineStep<PingArgs>({
  name: 'ping',
  summary: 'send a ping: - ping, ping: payload, or ping: { data }',
  schema: { anyOf: [{ type: 'null' }, { type: 'string' }, { type: 'object', additionalProperties: false, properties: { data: { type: 'string' } } }] },
  label: (args) => (args === null ? 'ping' : `ping ${JSON.stringify(typeof args === 'string' ? args : (args.data ?? ''))}`),
  async run(_args, context: StepContext) {
    const rendered = context.renderArgs<PingArgs>();
    const data = rendered === null ? '' : typeof rendered === 'string' ? rendered : (rendered.data ?? '');
    const connection = context.connection();
    await new Promise<void>((resolve) =>
      connection.socket.ping(data, (error) => {
        if (error) context.note(`the ping was not sent: ${error.message}`);
        resolve();
      }),
    );
  },
});

type PongArgs = null | { data?: string; within?: string | number };

export const expectPongStep = defineStep<PongArgs>({
  name: 'expectPong',
  summary: 'the next pong must come (within a time, default 5s), with { data } if given',
  schema: {
    anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: false, properties: { data: { type: 'string' }, within: durationSchema } }],
  },
  async run(_args, context: StepContext) {
    const rendered = context.renderArgs<PongArgs>();
    const ms = (rendered?.within !== undefined ? parseDuration(rendered.within) : undefined) ?? context.defaultTimeoutMs;
    const taken = await context.connection().take('pong', ms, context.signal);
    if ('timedOut' in taken) context.fail(`no pong came within ${formatDuration(ms)}`);
    if ('closed' in taken) context.fail(`the connection closed (${showClose(taken.closed)}) before a pong came`);
    const got = taken.item.data.toString('utf8');
    if (rendered?.data !== undefined && got !== rendered.data) {
      context.fail(`the pong's payload is ${JSON.stringify(got)}, expected ${JSON.stringify(rendered.data)}`);
    }
    if (taken.item.rtt !== undefined) context.note(`rtt ${taken.item.rtt.toFixed(2)} ms`);
  },
});

export const sleepStep = defineStep<string | number>({
  name: 'sleep',
  summary: 'wait: sleep: 500ms',
  schema: durationSchema,
  label: (args) => `sleep ${args}`,
  async run(_args, context: StepContext) {
    await context.sleep(parseDuration(context.renderArgs<string | number>()) ?? 0);
  },
});
