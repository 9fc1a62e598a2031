/**
 * `expect`: the next message must match (within a time, default 5 s); `waitFor`: messages that
 * do not match are skipped until one does. Both may `capture` values from the message.
 */
import { compileMatcher, MatcherSpecError } from '../../matchers/index.js';
import { formatDuration, isTemplate, parseDuration } from '../../templating/index.js';
import { checkMessageRef } from './message-ref.js';
import { showClose, showMessage } from './received-text.js';
import { captureFrom } from './capture.js';
import { captureSchema, durationSchema, matcherSchema } from './schemas.js';
import { defineStep, type StepContext, type StepKind, StepArgsError } from './step-kind.js';

type MatcherArgs = string | (Record<string, unknown> & { within?: string | number; capture?: Record<string, string> });

const ownKeys = {
  within: { ...(durationSchema as object), description: 'how long to wait for the message (default 5s): a duration, 500ms, 2s, 1m; a number is seconds' },
  capture: captureSchema,
};

function checkArgs(args: MatcherArgs, file: Parameters<NonNullable<StepKind['check']>>[1]['file']): void {
  if (typeof args === 'string') {
    checkMessageRef(args, file);
    return;
  }
  if (typeof args['message'] === 'string') {
    checkMessageRef(args['message'], file, ['message']);
    return;
  }
  // A matcher without {{variables}} is compiled now: a bad regex or schema is a bad file, found before anything runs.
  if (isTemplate(JSON.stringify(args))) return;
  try {
    compileMatcher(args);
  } catch (error) {
    if (error instanceof MatcherSpecError) throw new StepArgsError(error.message, error.key !== undefined ? [error.key] : []);
    throw error;
  }
}

/** `expect json {"type":"hello"} within 2s`: the matcher as written, without the step's own keys. */
function labelOf(kind: string, args: MatcherArgs): string {
  if (typeof args === 'string') return `${kind} ${args}`;
  const { within, capture, ...matcher } = args;
  const parts = Object.entries(matcher).map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const text = parts.join(', ');
  return `${kind} ${text.length > 70 ? `${text.slice(0, 67)}...` : text}${within !== undefined ? ` within ${within}` : ''}${capture ? ` capture ${Object.keys(capture).join(', ')}` : ''}`;
}

function timeoutOf(args: MatcherArgs, context: StepContext): number {
  if (typeof args === 'string' || args.within === undefined) return context.defaultTimeoutMs;
  return parseDuration(context.render(args.within, args, 'within')) ?? context.defaultTimeoutMs;
}

export const expectStep = defineStep<MatcherArgs>({
  name: 'expect',
  summary: 'the next message must match: text, contains, regex, json, jsonPath + value, schema, binary; within, capture',
  schema: matcherSchema(ownKeys),
  check: (args, context) => checkArgs(args, context.file),
  label: (args) => labelOf('expect', args),
  async run(args, context: StepContext) {
    const { matcher, connection, timeoutMs } = prepare(args, context);
    const taken = await connection.take('message', timeoutMs, context.signal);
    if ('timedOut' in taken) context.fail(`no message came within ${formatDuration(timeoutMs)} (expected ${matcher.description})`);
    if ('closed' in taken) context.fail(`the connection closed (${showClose(taken.closed)}) before a message came (expected ${matcher.description})`);
    const { data, binary } = taken.item;
    const result = matcher.match({ data, binary });
    if (!result.ok) {
      context.fail(`the message did not match: ${result.reason}`, {
        received: showMessage(data, binary),
        ...(result.diff !== undefined && { diff: result.diff }),
      });
    }
    captureFrom(data, binary, typeof args === 'string' ? undefined : args.capture, context);
  },
});

export const waitForStep = defineStep<MatcherArgs>({
  name: 'waitFor',
  summary: 'skip messages until one matches (within a time, default 5s); capture from it',
  schema: matcherSchema(ownKeys),
  check: (args, context) => checkArgs(args, context.file),
  label: (args) => labelOf('waitFor', args),
  async run(args, context: StepContext) {
    const { matcher, connection, timeoutMs } = prepare(args, context);
    const deadline = Date.now() + timeoutMs;
    let skipped = 0;
    let last: { shown: string; reason: string; diff?: string } | undefined;
    for (;;) {
      const taken = await connection.take('message', Math.max(0, deadline - Date.now()), context.signal);
      const lastSeen = last ? `; the last one: ${last.reason}` : '';
      const details = last ? { received: last.shown, ...(last.diff !== undefined && { diff: last.diff }) } : {};
      if ('timedOut' in taken)
        context.fail(`no message matched within ${formatDuration(timeoutMs)} (${skipped} skipped${lastSeen}; expected ${matcher.description})`, details);
      if ('closed' in taken)
        context.fail(`the connection closed (${showClose(taken.closed)}) before a message matched (${skipped} skipped${lastSeen})`, details);
      const { data, binary } = taken.item;
      const result = matcher.match({ data, binary });
      if (result.ok) {
        if (skipped > 0) context.note(`skipped ${skipped} message${skipped === 1 ? '' : 's'}`);
        captureFrom(data, binary, typeof args === 'string' ? undefined : args.capture, context);
        return;
      }
      skipped += 1;
      last = { shown: showMessage(data, binary), reason: result.reason, ...(result.diff !== undefined && { diff: result.diff }) };
    }
  },
});

function prepare(args: MatcherArgs, context: StepContext) {
  return {
    matcher: context.matcher(args, context.step.map, context.step.kind.name),
    connection: context.connection(),
    timeoutMs: timeoutOf(args, context),
  };
}

export const expectNoMessageStep = defineStep<{ for: string | number } | string | number>({
  name: 'expectNoMessage',
  summary: 'no message may come for a while: { for: 1s } (or the duration itself)',
  schema: {
    anyOf: [durationSchema, { type: 'object', required: ['for'], additionalProperties: false, properties: { for: durationSchema } }],
  },
  label: (args) => `expectNoMessage for ${typeof args === 'object' ? args.for : args}`,
  async run(args, context: StepContext) {
    const rendered = context.renderArgs<typeof args>();
    const ms = parseDuration(typeof rendered === 'object' ? rendered.for : rendered) ?? 0;
    const taken = await context.connection().take('message', ms, context.signal);
    if ('item' in taken) {
      context.fail(`a message came within ${formatDuration(ms)}, none was expected`, { received: showMessage(taken.item.data, taken.item.binary) });
    }
    if ('closed' in taken) context.note(`the connection closed (${showClose(taken.closed)})`);
  },
});
