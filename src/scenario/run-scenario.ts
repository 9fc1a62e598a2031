/**
 * One scenario run: its steps in order, each given a StepContext, timed and reported; the first
 * failure stops it (the steps after are skipped). At the end, work in the background stops and
 * every connection still open is closed (1000, cut after a second), and the scenario's trace is
 * taken from the collector.
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { type ClientOptions, WebSocket } from '../index.js';
import { compileMatcher, MatcherSpecError } from '../matchers/index.js';
import { buildPayload, type MessageSpec, MessageSpecError, renderValue, TemplateError, type Variables } from '../templating/index.js';
import { abortableSleep } from './abortable.js';
import type { ScenarioConnection } from './connection.js';
import type { ScenarioFile, ScenarioSpec, StepNode } from './model.js';
import type { Failure, ScenarioResult, StepResult } from './result.js';
import { CheckFailure, StepArgsError, type StepContext } from './steps/step-kind.js';
import type { TraceCollector } from './trace-collector.js';
import { redactUrlPasswords } from '../trace/index.js';

export interface ScenarioRunOptions {
  /** The file's variables (environment and --var); each scenario gets its own scope on top. */
  variables: Variables;
  signal: AbortSignal;
  /** How long steps wait when the file does not say (`within`). */
  defaultTimeoutMs: number;
  trace?: TraceCollector;
  /** Called as each top-level step ends (live progress). */
  onStep?: (step: StepResult) => void;
  /** Opens each `connect` step's WebSocket (default: `new WebSocket`): a load tester adds its own options, target and counting. */
  openSocket?: (url: string, options: ClientOptions) => WebSocket;
  /** Called as every step ends, nested ones too: when it ran and the connection it used (a load tester times replies). */
  onStepTimed?: (timing: StepTiming) => void;
}

export interface StepTiming {
  node: StepNode;
  result: StepResult;
  /** performance.now() ms. */
  startedAt: number;
  endedAt: number;
  connection: ScenarioConnection | undefined;
}

/** A failure that already has its report (a nested step's), passed up through the steps above it. */
class NestedFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

const END_GRACE_MS = 1000;

export async function runScenario(file: ScenarioFile, spec: ScenarioSpec, options: ScenarioRunOptions): Promise<ScenarioResult> {
  const start = Date.now();
  const started = performance.now();
  const run = new ScenarioRun(file, options);
  const steps: StepResult[] = [];
  let failure: Failure | undefined;
  try {
    await run.runSteps(spec.steps, options.variables.with({}), steps, options.onStep);
  } catch (error) {
    failure = error instanceof NestedFailure ? error.failure : failureOf(error);
  }
  const backgroundFailure = await run.end();
  failure ??= backgroundFailure;
  return {
    file: file.path,
    name: spec.name,
    place: spec.place,
    status: failure ? 'failed' : 'passed',
    start,
    ms: performance.now() - started,
    steps,
    ...(failure && { failure }),
    trace: options.trace ? options.trace.take(run.traceIds()) : [],
  };
}

class ScenarioRun {
  readonly connections = new Map<string, ScenarioConnection>();
  /** Every connection the scenario opened (a closed one stays in `connections` for expectClose). */
  private readonly opened: ScenarioConnection[] = [];
  /** Connections that never opened, whose events (the error, the refusal) belong in the report too. */
  private readonly otherTraceIds: number[] = [];
  private readonly backgroundStop = new AbortController();
  private readonly backgrounds: Array<Promise<Failure | undefined>> = [];

  constructor(
    private readonly file: ScenarioFile,
    private readonly options: ScenarioRunOptions,
  ) {}

  /** Run steps in order into `results`; the first failure is thrown (a NestedFailure) after the rest are marked skipped. */
  async runSteps(nodes: readonly StepNode[], variables: Variables, results: StepResult[], onStep?: (step: StepResult) => void): Promise<void> {
    for (const [index, node] of nodes.entries()) {
      const result = await this.runStep(node, variables);
      results.push(result);
      onStep?.(result);
      if (result.failure) {
        for (const rest of nodes.slice(index + 1)) {
          const skipped: StepResult = { label: labelOf(rest), kind: rest.kind.name, place: rest.place, status: 'skipped', ms: 0, notes: [] };
          results.push(skipped);
          onStep?.(skipped);
        }
        throw new NestedFailure(result.failure);
      }
    }
  }

  private async runStep(node: StepNode, variables: Variables): Promise<StepResult> {
    const result: StepResult = { label: labelOf(node), kind: node.kind.name, place: node.place, status: 'passed', ms: 0, notes: [] };
    const started = performance.now();
    const used: { connection?: ScenarioConnection } = {};
    try {
      if (this.options.signal.aborted) throw this.options.signal.reason;
      await node.kind.run(node.args, this.contextFor(node, variables, result, used));
    } catch (error) {
      result.status = 'failed';
      result.failure = error instanceof NestedFailure ? error.failure : failureOf(error);
    }
    const ended = performance.now();
    result.ms = ended - started;
    this.options.onStepTimed?.({ node, result, startedAt: started, endedAt: ended, connection: used.connection });
    return result;
  }

  private contextFor(node: StepNode, variables: Variables, result: StepResult, used: { connection?: ScenarioConnection }): StepContext {
    const { file } = this;
    const places = file.places;
    const context: StepContext = {
      step: node,
      file,
      variables,
      signal: this.options.signal,
      defaultTimeoutMs: this.options.defaultTimeoutMs,
      renderArgs: <T>() => renderValue(node.args as T, variables, places, node.map, node.kind.name),
      render: <T>(value: T, container: object, key: string | number) => renderValue(value, variables, places, container, key),
      connection: (name) => (used.connection = this.connectionFor(name ?? (node.map['on'] as string | undefined))),
      connections: this.connections,
      openSocket: this.options.openSocket ?? ((url, options) => new WebSocket(url, options)),
      addConnection: (connection) => {
        used.connection = connection;
        this.connections.set(connection.name, connection);
        this.opened.push(connection);
      },
      addTrace: (conn) => void this.otherTraceIds.push(conn),
      payload: (spec, container, key) => {
        if (typeof spec === 'string') return buildPayload(this.savedMessage(spec, variables), file.baseDir);
        return buildPayload(renderValue(spec as MessageSpec, variables, places, container, key), file.baseDir);
      },
      matcher: (spec, container, key) => {
        const name = typeof spec === 'string' ? spec : (spec as { message?: unknown }).message;
        if (typeof name === 'string') return compileMatcher(matcherForMessage(this.savedMessage(name, variables), file.baseDir));
        return compileMatcher(renderValue(spec, variables, places, container, key));
      },
      fail: (message, details) => {
        throw new CheckFailure(message, details);
      },
      note: (text) => void result.notes.push(redactUrlPasswords(text)),
      sleep: (ms) => abortableSleep(ms, this.options.signal),
      runSteps: (nodes, scope) => this.runSteps(nodes, scope, (result.children ??= [])),
      background: (label, task) => {
        this.backgrounds.push(
          task(this.backgroundStop.signal).then(
            () => undefined,
            (error: unknown) => (this.backgroundStop.signal.aborted ? undefined : { ...failureOf(error), message: `${label}: ${failureOf(error).message}` }),
          ),
        );
      },
    };
    return context;
  }

  private savedMessage(name: string, variables: Variables): MessageSpec {
    const messages = this.file.messages;
    if (!Object.hasOwn(messages, name)) throw new MessageSpecError(`no message is named "${name}"`);
    return renderValue(messages[name] as MessageSpec, variables, this.file.places, messages, name);
  }

  private connectionFor(name: string | undefined): ScenarioConnection {
    const names = [...this.connections.keys()];
    if (name !== undefined) {
      const connection = this.connections.get(name);
      if (!connection) throw new CheckFailure(`no connection is named "${name}" (${names.length > 0 ? `open: ${names.join(', ')}` : 'none is open'})`);
      return connection;
    }
    const only = this.connections.get('default') ?? (this.connections.size === 1 ? this.connections.values().next().value : undefined);
    if (only) return only;
    throw new CheckFailure(
      names.length === 0 ? 'no connection is open: connect first' : `several connections are open (${names.join(', ')}): say which with on: NAME`,
    );
  }

  /** Stop the background work and close what is open; the first background failure, if any. */
  async end(): Promise<Failure | undefined> {
    // A failure met before this point was recorded as it happened; what the abort interrupts is not one.
    this.backgroundStop.abort(new Error('the scenario ended'));
    const failures = await Promise.all(this.backgrounds);
    await Promise.all(this.opened.map((connection) => connection.end(END_GRACE_MS)));
    return failures.find((failure) => failure !== undefined);
  }

  traceIds(): number[] {
    const ids = this.opened.map((connection) => connection.traceId).filter((id): id is number => id !== undefined);
    return [...this.otherTraceIds, ...ids];
  }
}

/** A step's label as reports show it: a URL's password (`connect ws://user:pw@host/`) is never printed. */
function labelOf(node: StepNode): string {
  const name = node.map['name'];
  if (typeof name === 'string') return redactUrlPasswords(name);
  const label = node.kind.label?.(node.args as never, node) ?? defaultLabel(node);
  const on = node.map['on'];
  return redactUrlPasswords(typeof on === 'string' ? `${label} (on ${on})` : label);
}

function defaultLabel(node: StepNode): string {
  if (node.args === null || node.args === undefined) return node.kind.name;
  const text = JSON.stringify(node.args) ?? '';
  return `${node.kind.name} ${text.length > 70 ? `${text.slice(0, 67)}...` : text}`;
}

/** A saved message as what `expect: NAME` wants: that exact message. */
function matcherForMessage(spec: MessageSpec, baseDir: string): Record<string, unknown> {
  if (typeof spec === 'string') return { text: spec };
  if ('text' in spec) return { text: spec.text };
  if ('json' in spec) return { json: spec.json };
  const payload = buildPayload(spec, baseDir);
  return { base64: Buffer.from(payload.data).toString('base64') };
}

/** What a step's failure reports; a URL's password in its message is redacted, as in every report. */
function failureOf(error: unknown): Failure {
  if (error instanceof CheckFailure) return { ...error.details, message: redactUrlPasswords(error.message) };
  if (error instanceof TemplateError || error instanceof MessageSpecError || error instanceof MatcherSpecError || error instanceof StepArgsError) {
    return { message: redactUrlPasswords(error.message), fileError: true };
  }
  return { message: redactUrlPasswords(error instanceof Error ? error.message : String(error)) };
}
