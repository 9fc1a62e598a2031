/**
 * `graphql` steps: GraphQL over the connection, in whichever protocol its handshake agreed
 * (connect with `subprotocols: [graphql-transport-ws, graphql-ws]` and the server picks).
 *
 *   - graphql: { init: { token: abc } }                      # connection_init, then wait for the ack
 *   - graphql: { subscribe: counter, query: "subscription { count }", variables: {} }
 *   - graphql: { next: counter, json: { data: { count: 1 } } }   # its next (legacy: data), matched
 *   - graphql: { complete: counter, within: 3s }
 *   - graphql: { error: bad, json: [{ message: "..." }] }       # its error message's payload
 *   - graphql: { stop: counter }                              # complete (legacy: stop) from us
 *
 * `subscribe` sends connection_init first (and waits for the ack) when no `init` step did. Each
 * operation's messages are taken in the order they came: `next` fails when that id's next
 * message is a complete, `complete` fails when a next comes first. Close codes: `expectClose`.
 */
import { Buffer } from 'node:buffer';
import { formatDuration, isTemplate, parseDuration } from '../../templating/index.js';
import { compileMatcher, MatcherSpecError } from '../../matchers/index.js';
import { captureFrom } from './capture.js';
import { GraphqlScenarioSession, type ServerMessage, type Waited } from './graphql-session.js';
import { showClose } from './received-text.js';
import { captureSchema, durationSchema } from './schemas.js';
import { defineStep, type JsonSchema, type StepContext, StepArgsError } from './step-kind.js';

type Json = Record<string, unknown>;

interface InitArgs {
  init: Json | null;
  within?: string | number;
}
interface SubscribeArgs {
  subscribe: string;
  query: string;
  variables?: Json;
  operationName?: string;
  extensions?: Json;
  /** The connection_init payload, when this step is the one that sends it. */
  init?: Json;
  within?: string | number;
}
type ExpectArgs = { within?: string | number; capture?: Record<string, string> } & Json;
interface StopArgs {
  stop: string;
}

type GraphqlArgs = InitArgs | SubscribeArgs | ExpectArgs | StopArgs;

/** The matcher keys a payload check may use (a GraphQL payload is JSON: no binary). */
const PAYLOAD_MATCHER_KEYS = ['json', 'jsonPath', 'value', 'schema', 'text', 'contains', 'regex'];

const within = { ...(durationSchema as object), description: 'how long to wait (default 5s): 500ms, 2s, 1m; a number is seconds' };
const payloadMatcher: Record<string, JsonSchema> = {
  json: { description: 'the payload holds this (objects: these keys at least; arrays: item by item)' },
  jsonPath: { type: 'string', description: 'a JSONPath into the payload (with value: its first result equals value)' },
  value: {},
  schema: { type: ['object', 'boolean'], description: 'a JSON Schema the payload satisfies' },
  text: { type: 'string', description: 'the payload, as JSON text, exactly' },
  contains: { type: 'string', description: 'the payload, as JSON text, contains this' },
  regex: { type: 'string', description: 'the payload, as JSON text, matches this' },
};
const id = { type: 'string', minLength: 1, description: "the operation's id" };

/** Each action's key, and the keys it may have beside it. */
const ACTIONS: Record<string, { keys: readonly string[]; required?: readonly string[] }> = {
  init: { keys: ['within'] },
  subscribe: { keys: ['query', 'variables', 'operationName', 'extensions', 'init', 'within'], required: ['query'] },
  next: { keys: [...PAYLOAD_MATCHER_KEYS, 'within', 'capture'] },
  complete: { keys: ['within'] },
  error: { keys: [...PAYLOAD_MATCHER_KEYS, 'within'] },
  stop: { keys: [] },
};
const ACTION_NAMES = Object.keys(ACTIONS);

// One object with every key, so a misspelt key is named with the keys there are; which keys go
// with which action is checked in check(), where the message can say so.
const GRAPHQL_SCHEMA: JsonSchema = {
  type: 'object',
  description: `a GraphQL action: an object with one of ${ACTION_NAMES.join(', ')}`,
  additionalProperties: false,
  properties: {
    init: {
      type: ['object', 'null'],
      description: 'the connection_init payload (init: send it and wait for the ack; with subscribe: sent first if no init step did)',
    },
    subscribe: id,
    next: id,
    complete: id,
    error: id,
    stop: id,
    query: { type: 'string', description: 'the GraphQL document: a query, mutation or subscription' },
    variables: { type: 'object' },
    operationName: { type: 'string' },
    extensions: { type: 'object' },
    ...payloadMatcher,
    within,
    capture: captureSchema,
  },
  anyOf: ACTION_NAMES.map((name) => ({ required: [name] })),
};

/** The action a step's arguments name, with the keys checked against it. */
function checkAction(args: Json): void {
  const actions = ACTION_NAMES.filter((name) => Object.hasOwn(args, name) && !(name === 'init' && Object.hasOwn(args, 'subscribe')));
  if (actions.length !== 1) throw new StepArgsError(`one action per step: ${actions.join(' and ')} (write two steps)`, [actions[1] ?? '']);
  const action = actions[0]!;
  const { keys, required = [] } = ACTIONS[action]!;
  for (const key of Object.keys(args)) {
    if (key !== action && !keys.includes(key))
      throw new StepArgsError(`"${key}" does not go with ${action} (${action} takes ${keys.join(', ') || 'nothing else'})`, [key]);
  }
  for (const key of required) if (!Object.hasOwn(args, key)) throw new StepArgsError(`${action} needs "${key}"`);
}

function matcherPart(args: Json): Json | undefined {
  const entries = Object.entries(args).filter(([key]) => PAYLOAD_MATCHER_KEYS.includes(key));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function oneLine(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

function label(args: GraphqlArgs): string {
  if ('init' in args && !('subscribe' in args)) return `graphql init${args.init ? ` ${JSON.stringify(args.init)}` : ''}`;
  if ('subscribe' in args) return `graphql subscribe ${args.subscribe}: ${oneLine(String(args.query))}`;
  if ('stop' in args) return `graphql stop ${args.stop}`;
  if ('complete' in args) return `graphql complete ${String(args.complete)}`;
  const kind = 'next' in args ? 'next' : 'error';
  const matcher = matcherPart(args);
  const shown = matcher
    ? ` ${Object.entries(matcher)
        .map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(', ')}`
    : '';
  return `graphql ${kind} ${String(args[kind])}${shown.length > 72 ? `${shown.slice(0, 69)}...` : shown}`;
}

export const graphqlStep = defineStep<GraphqlArgs>({
  name: 'graphql',
  summary: 'GraphQL over the connection (graphql-transport-ws or graphql-ws): { init }, { subscribe, query }, { next | complete | error | stop: id }',
  schema: GRAPHQL_SCHEMA,
  check(args) {
    checkAction(args as Json);
    const matcher = matcherPart(args as Json);
    // A matcher without {{variables}} is compiled now: a bad regex or schema is a bad file, found before anything runs.
    if (!matcher || isTemplate(JSON.stringify(matcher))) return;
    try {
      compileMatcher(matcher);
    } catch (error) {
      if (error instanceof MatcherSpecError) throw new StepArgsError(error.message, error.key !== undefined ? [error.key] : []);
      throw error;
    }
  },
  label,
  async run(_args, context) {
    const args = context.renderArgs<GraphqlArgs>();
    const session = sessionOf(context);
    const timeoutMs = 'within' in args && args.within !== undefined ? (parseDuration(args.within) ?? context.defaultTimeoutMs) : context.defaultTimeoutMs;
    if ('subscribe' in args) return subscribe(args as SubscribeArgs, session, timeoutMs, context);
    if ('init' in args) return init((args as InitArgs).init, session, timeoutMs, context);
    if ('stop' in args) {
      const { stop } = args as StopArgs;
      await send(session, session.legacy ? { type: 'stop', id: stop } : { type: 'complete', id: stop }, context);
      return;
    }
    if ('complete' in args) {
      const message = await expectFor(String(args['complete']), 'complete', session, timeoutMs, context);
      context.note(`${message.type} ${String(args['complete'])}`);
      return;
    }
    const kind = 'next' in args ? 'next' : 'error';
    const message = await expectFor(String(args[kind]), kind, session, timeoutMs, context);
    const matcher = matcherPart(args);
    const payload = JSON.stringify(message.payload ?? null);
    if (matcher) {
      const result = compileMatcher(matcher).match({ data: Buffer.from(payload, 'utf8'), binary: false });
      if (!result.ok)
        context.fail(`the ${message.type} payload did not match: ${result.reason}`, {
          received: message.text,
          ...(result.diff !== undefined && { diff: result.diff }),
        });
    }
    if (kind === 'next') captureFrom(Buffer.from(payload, 'utf8'), false, (args as ExpectArgs).capture, context);
  },
});

function sessionOf(context: StepContext): GraphqlScenarioSession {
  const connection = context.connection();
  const session = GraphqlScenarioSession.of(connection);
  if (!session) {
    const agreed = connection.socket.protocol ? `agreed ${connection.socket.protocol}` : 'agreed no subprotocol';
    context.fail(`the connection ${agreed}, not a GraphQL one: connect with subprotocols: [graphql-transport-ws, graphql-ws]`);
  }
  return session;
}

async function send(session: GraphqlScenarioSession, message: Parameters<GraphqlScenarioSession['send']>[0], context: StepContext): Promise<void> {
  try {
    await session.send(message);
  } catch (error) {
    context.fail(`could not send ${message.type}: ${(error as Error).message}`);
  }
}

function failWaiting(
  waited: Exclude<Waited, { message: ServerMessage }>,
  what: string,
  timeoutMs: number,
  session: GraphqlScenarioSession,
  context: StepContext,
): never {
  if ('timedOut' in waited) context.fail(`no ${what} came within ${formatDuration(timeoutMs)}`);
  if ('closed' in waited) context.fail(`the connection closed (${showClose(waited.closed)}) before ${what} came`);
  context.fail(`the server sent a message that is not ${session.protocol}: ${waited.invalid}`, { received: waited.text });
}

async function init(payload: Json | null | undefined, session: GraphqlScenarioSession, timeoutMs: number, context: StepContext): Promise<void> {
  if (session.initSent) context.fail('connection_init was already sent on this connection (a second one is a protocol error: 4429)');
  session.initSent = true;
  await send(session, payload ? { type: 'connection_init', payload } : { type: 'connection_init' }, context);
  const waited = await session.ack(timeoutMs, context.signal);
  if (!('message' in waited)) failWaiting(waited, 'connection_ack', timeoutMs, session, context);
  if (waited.message.type === 'connection_error')
    context.fail(`the server refused connection_init: ${JSON.stringify(waited.message.payload)}`, { received: waited.message.text });
  context.note(`acknowledged (${session.protocol})`);
}

async function subscribe(args: SubscribeArgs, session: GraphqlScenarioSession, timeoutMs: number, context: StepContext): Promise<void> {
  // The reference library checks the document before anything is sent: a typo is the file's fault, not the server's.
  const { parse, GraphQLError } = await import('graphql');
  try {
    parse(args.query);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const at = error.locations?.[0];
    context.fail(`the query is not GraphQL${at ? ` (line ${at.line}, column ${at.column})` : ''}: ${error.message}; nothing was sent`);
  }
  if (!session.initSent) await init(args.init, session, timeoutMs, context);
  const payload = {
    query: args.query,
    ...(args.variables !== undefined && { variables: args.variables }),
    ...(args.operationName !== undefined && { operationName: args.operationName }),
    ...(args.extensions !== undefined && { extensions: args.extensions }),
  };
  await send(session, session.legacy ? { type: 'start', id: args.subscribe, payload } : { type: 'subscribe', id: args.subscribe, payload }, context);
}

/** The next message for `id`, which must be of `wanted` kind (next: legacy data). */
async function expectFor(
  id: string,
  wanted: 'next' | 'complete' | 'error',
  session: GraphqlScenarioSession,
  timeoutMs: number,
  context: StepContext,
): Promise<ServerMessage> {
  const type = wanted === 'next' && session.legacy ? 'data' : wanted;
  const waited = await session.nextFor(id, timeoutMs, context.signal);
  if (!('message' in waited)) failWaiting(waited, `${type} for ${id}`, timeoutMs, session, context);
  const { message } = waited;
  if (message.type !== type) {
    const more = session.pendingFor(id);
    context.fail(`expected ${type} for ${id}, the server sent ${message.type}${more > 0 ? ` (${more} more waiting for ${id})` : ''}`, {
      received: message.text,
    });
  }
  return message;
}
