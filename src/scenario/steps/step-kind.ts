/**
 * The step interface: what a kind of step is (its key in the file, its JSON Schema for editors
 * and for checking the file, how it runs) and what a running step is given (StepContext). A new
 * kind of step is one file exporting a StepKind, listed in steps/index.ts.
 */
import type { ClientOptions, WebSocket } from '../../index.js';
import type { CompiledMatcher } from '../../matchers/index.js';
import type { Payload, Variables } from '../../templating/index.js';
import type { ScenarioConnection } from '../connection.js';
import type { ScenarioFile, StepNode } from '../model.js';

/** A JSON Schema (draft-07, which editors' YAML servers and ajv read). */
export type JsonSchema = Record<string, unknown> | boolean;

export interface StepKind<Args = unknown> {
  /** The step's key in the file: `send`, `expect`, `frame`... */
  name: string;
  /** One line: the editor schema's description, and `wscope run --help`. */
  summary: string;
  /** The value under the key. Checked (with ajv) when the file is loaded. */
  schema: JsonSchema;
  /** Keys the step may have beside its own and the common ones (`on`, `name`), with their schemas. */
  options?: Record<string, JsonSchema>;
  /** Checks the schema cannot express (a message name that exists...): throw StepArgsError. */
  check?(args: Args, context: CheckContext): void;
  /** How the step reads in a report: `send hello`, `expect json {"type":"hello"}`. */
  label?(args: Args, step: StepNode): string;
  /** Do it. Resolves when it passed; a check that fails throws (`context.fail`). */
  run(args: Args, context: StepContext): Promise<void>;
}

/** A step kind with typed arguments, as the table holds it. */
export function defineStep<Args>(kind: StepKind<Args>): StepKind {
  return kind as StepKind;
}

export interface CheckContext {
  file: ScenarioFile;
  /** Where the arguments sit in the parsed file: `container[key]`. */
  container: object;
  key: string | number;
  /** Read and check a nested list of steps (a `repeat`'s). */
  readSteps(list: unknown[]): StepNode[];
}

/** What a failed check shows beyond its one line. */
export interface FailureDetails {
  /** `-` expected, `+` received. */
  diff?: string;
  /** The message (or close, or pong) that did not match, as it came. */
  received?: string;
}

/** A check failed: the server did not do what the step expected (exit code 11). */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
  constructor(
    message: string,
    readonly details: FailureDetails = {},
  ) {
    super(message);
  }
}

/** A step's arguments are wrong; `path` leads from the arguments to the wrong part. */
export class StepArgsError extends Error {
  override name = 'StepArgsError';
  constructor(
    message: string,
    readonly path: ReadonlyArray<string | number> = [],
  ) {
    super(message);
  }
}

export interface StepContext {
  readonly step: StepNode;
  readonly file: ScenarioFile;
  /** Variables here: env, --var, captures (`variables.set` captures one). */
  readonly variables: Variables;
  /** Aborted when the scenario stops (a timeout, --bail, Ctrl-C): stop waiting. */
  readonly signal: AbortSignal;
  /** How long a step waits by default (`within` unset). */
  readonly defaultTimeoutMs: number;
  /** The step's arguments with `{{variables}}` replaced (a missing one throws a TemplateError naming its place). */
  renderArgs<T>(): T;
  /** Any value of the file rendered, given where it sits (`container[key]`), for its place in errors. */
  render<T>(value: T, container: object, key: string | number): T;
  /** The connection named `name`, else the step's `on:`, else the scenario's only (or unnamed) one. */
  connection(name?: string): ScenarioConnection;
  readonly connections: ReadonlyMap<string, ScenarioConnection>;
  /** A new WebSocket for `connect` (the runner's `openSocket`, else `new WebSocket`). */
  openSocket(url: string, options: ClientOptions): WebSocket;
  addConnection(connection: ScenarioConnection): void;
  /** Put a connection's trace events in the scenario's report by its trace id (one that never opened, so has no ScenarioConnection). */
  addTrace(conn: number): void;
  /** A message to send: a saved message's name or an inline spec, rendered. */
  payload(spec: unknown, container: object, key: string | number): Payload;
  /** A matcher: a saved message's name (that exact message), `{ message: NAME }`, or a matcher spec, rendered. */
  matcher(spec: unknown, container: object, key: string | number): CompiledMatcher;
  /** Fail the step: a check did not hold. */
  fail(message: string, details?: FailureDetails): never;
  /** Add a line to the step's report ("skipped 2 messages"). */
  note(text: string): void;
  /** Wait, or reject when the scenario is aborted. */
  sleep(ms: number): Promise<void>;
  /** Run nested steps (a `repeat`'s) with these variables; their results nest under this step. */
  runSteps(steps: readonly StepNode[], variables: Variables): Promise<void>;
  /** Work that goes on beside the next steps (`every`), stopped when the scenario ends; its failure fails the scenario. */
  background(label: string, task: (signal: AbortSignal) => Promise<void>): void;
}
