/** `repeat: { times, steps }`: the steps again and again; `{{iteration}}` counts from 1. */
import { defineStep, type StepContext } from './step-kind.js';

interface RepeatArgs {
  times: number;
  steps: unknown[];
}

export const repeatStep = defineStep<RepeatArgs>({
  name: 'repeat',
  summary: 'run steps several times: repeat: { times: 3, steps: [...] } ({{iteration}} is 1, 2, 3)',
  schema: {
    type: 'object',
    required: ['times', 'steps'],
    additionalProperties: false,
    properties: { times: { type: 'integer', minimum: 0, maximum: 1000000 }, steps: { type: 'array', items: { $ref: '#/definitions/step' } } },
  },
  check: (args, context) => void context.readSteps(args.steps),
  label: (args) => `repeat ${args.times} times`,
  async run(args, context: StepContext) {
    const steps = context.step.children ?? [];
    for (let iteration = 1; iteration <= args.times; iteration++) {
      await context.runSteps(steps, context.variables.with({ iteration }));
    }
  },
});
