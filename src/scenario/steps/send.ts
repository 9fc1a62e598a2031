/** `send`: a saved message by name, or an inline one (text, json, binary, base64, file). */
import { describeMessageRef, checkMessageRef } from './message-ref.js';
import { messageRefSchema } from './schemas.js';
import { defineStep, type StepContext } from './step-kind.js';

export const sendStep = defineStep<unknown>({
  name: 'send',
  summary: 'send a message: a name under messages:, or { text | json | binary | base64 | file }',
  schema: messageRefSchema,
  check: (args, context) => checkMessageRef(args, context.file),
  label: (args) => `send ${describeMessageRef(args)}`,
  async run(args, context: StepContext) {
    const payload = context.payload(args, context.step.map, context.step.kind.name);
    const connection = context.connection();
    try {
      await connection.send(payload);
    } catch (error) {
      context.fail(`could not send on ${connection.name}: ${(error as Error).message}`);
    }
  },
});
