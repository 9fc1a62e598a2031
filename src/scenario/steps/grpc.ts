/**
 * `grpc` steps: gRPC calls of any kind, their messages as proto3 JSON (see docs/grpc.md).
 *
 *   - grpc: { call: { target: 127.0.0.1:50051, method: pkg.Svc/M, plaintext: true, request: {} }, as: c }
 *   - grpc: { send: { text: hi }, on: c }          # one more request (client and bidi streaming)
 *   - grpc: { end: c }                             # half-close: no more requests
 *   - grpc: { expect: { json: { index: 0 }, within: 2s }, on: c }   # the next response, matched
 *   - grpc: { expectStatus: { code: NOT_FOUND, message: no such order }, on: c }
 *
 * A unary or server-streaming call is sent its request and half-closed by the `call` step; a
 * client or bidi stream is opened (with `request` as its first message, if given) and `send`
 * and `end` steps write to it. Responses are read in the order they came.
 */
import { Buffer } from 'node:buffer';
import { compileMatcher, MatcherSpecError } from '../../matchers/index.js';
import { formatDuration, isTemplate, parseDuration } from '../../templating/index.js';
import { captureFrom } from './capture.js';
import { callFor, callsOf } from './grpc-calls.js';
import type { CallSpec } from './grpc-open.js';
import { captureSchema, durationSchema } from './schemas.js';
import { defineStep, type JsonSchema, type StepContext, StepArgsError } from './step-kind.js';

type Json = Record<string, unknown>;
type Within = { within?: string | number };
type ExpectSpec = Json & Within & { capture?: Record<string, string> };
interface StatusSpec extends Within {
  code: string | number;
  message?: string;
}

type GrpcArgs =
  | { call: CallSpec; as?: string }
  | { send: unknown; on?: string }
  | { end: string | null }
  | { expect: ExpectSpec; on?: string }
  | { expectStatus: StatusSpec; on?: string };

/** The matcher keys a response check may use (a response is JSON: no binary). */
const RESPONSE_MATCHER_KEYS = ['json', 'jsonPath', 'value', 'schema', 'text', 'contains', 'regex'];

const within = { ...(durationSchema as object), description: 'how long to wait (default 5s): 500ms, 2s, 1m; a number is seconds' };
const stringList = (what: string): JsonSchema => ({ description: what, anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] });
const name = { type: 'string', minLength: 1, description: "the call's name (its as:); omitted: the scenario's only call" };

const CALL_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'make a call: unary and server-streaming with their request; client and bidi streams opened',
  additionalProperties: false,
  required: ['target', 'method'],
  properties: {
    target: { type: 'string', description: 'HOST:PORT of the server' },
    method: { type: 'string', description: 'package.Service/Method' },
    plaintext: { type: 'boolean', description: 'HTTP/2 without TLS (default: TLS, certificates checked)' },
    authority: { type: 'string', description: 'the :authority to send (and the name the certificate must carry)' },
    proto: stringList('.proto files (beside this file, else in importPath); none: the schema is asked of the server by reflection'),
    importPath: stringList('directories imports are found in (relative to this file)'),
    protoset: { type: 'string', description: 'a FileDescriptorSet file (protoc --descriptor_set_out --include_imports)' },
    metadata: {
      type: 'object',
      description: 'request metadata: key: value (or a list); a -bin key takes base64',
      additionalProperties: stringList('a value, or several'),
    },
    deadline: { ...(durationSchema as object), description: 'the call ends with DEADLINE_EXCEEDED after this: 500ms, 2s' },
    request: { description: 'the request as proto3 JSON (needed for unary and server-streaming; a stream’s first message)' },
  },
};

const EXPECT_SCHEMA: JsonSchema = {
  type: 'object',
  description: `the next response (proto3 JSON) matches: one of ${RESPONSE_MATCHER_KEYS.filter((key) => key !== 'value').join(', ')}`,
  additionalProperties: false,
  properties: {
    json: { description: 'the response holds this (objects: these keys at least; arrays: item by item)' },
    jsonPath: { type: 'string', description: 'a JSONPath into the response (with value: its first result equals value)' },
    value: {},
    schema: { type: ['object', 'boolean'], description: 'a JSON Schema the response satisfies' },
    text: { type: 'string', description: 'the response, as JSON text, exactly' },
    contains: { type: 'string', description: 'the response, as JSON text, contains this' },
    regex: { type: 'string', description: 'the response, as JSON text, matches this' },
    within,
    capture: captureSchema,
  },
  anyOf: RESPONSE_MATCHER_KEYS.filter((key) => key !== 'value').map((key) => ({ required: [key] })),
};

const STATUS_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'the call ends with this status',
  additionalProperties: false,
  required: ['code'],
  properties: {
    code: {
      description: 'a status name (OK, NOT_FOUND...) or number (0-16)',
      anyOf: [
        { type: 'integer', minimum: 0 },
        { type: 'string', minLength: 1 },
      ],
    },
    message: { type: 'string', description: 'the status message, exactly' },
    within,
  },
};

const ACTIONS = ['call', 'send', 'end', 'expect', 'expectStatus'] as const;
/** Each action's key, and the keys it may have beside it. */
const BESIDE: Record<(typeof ACTIONS)[number], readonly string[]> = { call: ['as'], send: ['on'], end: [], expect: ['on'], expectStatus: ['on'] };

// One object with every key, so a misspelt key is named with the keys there are; which keys go
// with which action is checked in check(), where the message can say so.
const GRPC_SCHEMA: JsonSchema = {
  type: 'object',
  description: `a gRPC action: an object with one of ${ACTIONS.join(', ')}`,
  additionalProperties: false,
  properties: {
    call: CALL_SCHEMA,
    as: { type: 'string', minLength: 1, description: 'the name later steps give as on: (default: the method)' },
    send: { description: 'one more request, as proto3 JSON (client and bidi streams)' },
    end: { type: ['string', 'null'], description: 'half-close the named call (null: the only one): no more requests' },
    expect: EXPECT_SCHEMA,
    expectStatus: STATUS_SCHEMA,
    on: name,
  },
  anyOf: ACTIONS.map((action) => ({ required: [action] })),
};

function actionOf(args: Json): (typeof ACTIONS)[number] {
  const found = ACTIONS.filter((action) => Object.hasOwn(args, action));
  if (found.length !== 1) throw new StepArgsError(`one action per step: ${found.join(' and ')} (write two steps)`, [found[1] ?? '']);
  const action = found[0]!;
  for (const key of Object.keys(args)) {
    if (key !== action && !BESIDE[action].includes(key))
      throw new StepArgsError(`"${key}" does not go with ${action} (${action} takes ${BESIDE[action].join(', ') || 'nothing else'})`, [key]);
  }
  return action;
}

function matcherPart(spec: Json): Json {
  return Object.fromEntries(Object.entries(spec).filter(([key]) => RESPONSE_MATCHER_KEYS.includes(key)));
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function label(args: GrpcArgs): string {
  if ('call' in args)
    return `grpc call ${args.call.method}${args.as !== undefined ? ` as ${args.as}` : ''}${args.call.request !== undefined ? ` ${shown(args.call.request)}` : ''}`;
  const on = 'on' in args && args.on !== undefined ? ` on ${args.on}` : '';
  if ('send' in args) return `grpc send ${shown(args.send)}${on}`;
  if ('end' in args) return `grpc end${args.end ? ` ${args.end}` : ''}`;
  if ('expect' in args) {
    const parts = Object.entries(matcherPart(args.expect)).map(([key, value]) => `${key} ${shown(value)}`);
    return `grpc expect ${parts.join(', ')}${on}`;
  }
  const { code, message } = args.expectStatus;
  return `grpc expectStatus ${code}${message !== undefined ? ` "${message}"` : ''}${on}`;
}

export const grpcStep = defineStep<GrpcArgs>({
  name: 'grpc',
  summary: 'gRPC: { call: { target, method, request }, as }, { send, on }, { end }, { expect: matcher, on }, { expectStatus: { code }, on }',
  schema: GRPC_SCHEMA,
  check(args) {
    const action = actionOf(args as Json);
    if (action !== 'expect') return;
    const matcher = matcherPart((args as { expect: Json }).expect);
    // A matcher without {{variables}} is compiled now: a bad regex or schema is a bad file, found before anything runs.
    if (isTemplate(JSON.stringify(matcher))) return;
    try {
      compileMatcher(matcher);
    } catch (error) {
      if (error instanceof MatcherSpecError) throw new StepArgsError(error.message, ['expect', ...(error.key !== undefined ? [error.key] : [])]);
      throw error;
    }
  },
  label,
  async run(_args, context) {
    const args = context.renderArgs<GrpcArgs>();
    if ('call' in args) return call(args.call, args.as, context);
    if ('send' in args) {
      const { sendOn } = await import('./grpc-open.js');
      const { GrpcJsonError } = await import('../../grpc/index.js');
      const target = callFor(context, args.on);
      if (target.ended) context.fail(`the call ${target.name} already ended: nothing more can be sent`);
      try {
        sendOn(target, args.send, ['send'], GrpcJsonError);
      } catch (error) {
        if (error instanceof StepArgsError) throw error;
        context.fail(`cannot send on ${target.name}: ${(error as Error).message}`);
      }
      return;
    }
    if ('end' in args) return callFor(context, args.end ?? undefined).call.end();
    if ('expect' in args) return expectResponse(args.expect, args.on, context);
    return expectStatus(args.expectStatus, args.on, context);
  },
});

async function call(spec: CallSpec, as: string | undefined, context: StepContext): Promise<void> {
  const calls = callsOf(context);
  const callName = as ?? spec.method;
  const before = calls.get(callName);
  if (before && !before.ended) context.fail(`a call named ${callName} is still open (name this one with as: NAME)`);
  const { openCall } = await import('./grpc-open.js');
  before?.close();
  calls.set(callName, await openCall(spec, callName, context));
}

function timeoutOf(spec: Within, context: StepContext): number {
  return spec.within === undefined ? context.defaultTimeoutMs : (parseDuration(spec.within) ?? context.defaultTimeoutMs);
}

async function expectResponse(spec: ExpectSpec, on: string | undefined, context: StepContext): Promise<void> {
  const target = callFor(context, on);
  const timeoutMs = timeoutOf(spec, context);
  const next = await target.next(timeoutMs, context.signal);
  if ('timedOut' in next) context.fail(`no response came on ${target.name} within ${formatDuration(timeoutMs)}`);
  if ('ended' in next) {
    const { formatStatus } = await import('../../grpc/index.js');
    context.fail(`the call ${target.name} ended with ${formatStatus(next.ended.code, next.ended.details)} before another response came`);
  }
  const text = JSON.stringify(next.response);
  const data = Buffer.from(text, 'utf8');
  const result = compileMatcher(matcherPart(spec)).match({ data, binary: false });
  if (!result.ok) context.fail(`the response did not match: ${result.reason}`, { received: text, ...(result.diff !== undefined && { diff: result.diff }) });
  captureFrom(data, false, spec.capture, context);
}

async function expectStatus(spec: StatusSpec, on: string | undefined, context: StepContext): Promise<void> {
  const { formatStatus, STATUS_CODES } = await import('../../grpc/index.js');
  const wanted = typeof spec.code === 'number' ? STATUS_CODES[spec.code] : STATUS_CODES.find((status) => status.name === String(spec.code).toUpperCase());
  if (!wanted)
    throw new StepArgsError(`${spec.code} is not a gRPC status (${STATUS_CODES.map((status) => status.name).join(', ')}; or 0-16)`, ['expectStatus', 'code']);
  const target = callFor(context, on);
  const timeoutMs = timeoutOf(spec, context);
  const ended = await target.end(timeoutMs, context.signal);
  const expected = formatStatus(wanted.code, spec.message ?? '');
  if (!('ended' in ended)) context.fail(`the call ${target.name} did not end within ${formatDuration(timeoutMs)} (expected ${expected})`);
  const { code, details } = ended.ended;
  const got = formatStatus(code, details);
  if (code !== wanted.code || (spec.message !== undefined && details !== spec.message))
    context.fail(`the call ${target.name} ended with ${got}, expected ${expected}`, {
      diff: `- ${expected}\n+ ${got}`,
      received: got,
    });
  context.note(`${got}${target.unread > 0 ? ` (${target.unread} response${target.unread === 1 ? '' : 's'} not read)` : ''}`);
}
