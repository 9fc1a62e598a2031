/**
 * The table of step kinds: each entry is the key a step has in the file, its schema (the editor
 * schema and the file check are built from this table) and how it runs. Fault steps and others
 * are added here as entries.
 */
import { connectStep } from './connect.js';
import { closeStep, expectCloseStep } from './close.js';
import { everyStep } from './every.js';
import { FAULT_STEPS } from './faults/index.js';
import { expectNoMessageStep, expectStep, waitForStep } from './expect.js';
import { graphqlStep } from './graphql.js';
import { grpcStep } from './grpc.js';
import { expectPongStep, pingStep, sleepStep } from './ping.js';
import { repeatStep } from './repeat.js';
import { sendStep } from './send.js';
import type { JsonSchema, StepKind } from './step-kind.js';

export const STEP_KINDS: readonly StepKind[] = [
  connectStep,
  sendStep,
  expectStep,
  waitForStep,
  expectNoMessageStep,
  pingStep,
  expectPongStep,
  sleepStep,
  closeStep,
  expectCloseStep,
  repeatStep,
  everyStep,
  graphqlStep,
  grpcStep,
  ...FAULT_STEPS,
];

/** Keys any step may have beside its own: `on` (which connection), `name` (a label for the report). */
export const STEP_COMMON_KEYS: readonly string[] = ['on', 'name'];

export const STEP_COMMON_SCHEMAS: Record<string, JsonSchema> = {
  on: { type: 'string', description: 'the connection this step works on (its as: name)' },
  name: { type: 'string', description: "the step's name in reports" },
};

const byName = new Map(STEP_KINDS.map((kind) => [kind.name, kind]));

export function findStepKind(name: string): StepKind | undefined {
  return byName.get(name);
}

export function stepKindOf(name: string): StepKind {
  const kind = byName.get(name);
  if (!kind) throw new Error(`no step kind ${name}`);
  return kind;
}

export function stepKindNames(): string[] {
  return STEP_KINDS.map((kind) => kind.name);
}

export type { StepKind, StepContext, CheckContext, JsonSchema, FailureDetails } from './step-kind.js';
export { CheckFailure, StepArgsError, defineStep } from './step-kind.js';
