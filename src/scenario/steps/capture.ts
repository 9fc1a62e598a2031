/** `capture: { token: "$.token" }`: variables set from a matched message, by JSONPath. */
import type { Buffer } from 'node:buffer';
import { JSONPath } from 'jsonpath-plus';
import type { StepContext } from './step-kind.js';

export function captureFrom(data: Buffer, binary: boolean, capture: Record<string, string> | undefined, context: StepContext): void {
  if (capture === undefined) return;
  let json: unknown;
  try {
    if (binary) throw new Error('a binary message');
    json = JSON.parse(data.toString('utf8'));
  } catch {
    // Not JSON: "$" still captures the text itself.
    for (const [name, path] of Object.entries(capture)) {
      if (path !== '$') context.fail(`cannot capture ${name} from ${path}: the message is not JSON`);
      context.variables.set(name, binary ? data : data.toString('utf8'));
      context.note(`captured ${name}`);
    }
    return;
  }
  for (const [name, path] of Object.entries(capture)) {
    let found: unknown[];
    try {
      found = JSONPath({ path, json: json as object, wrap: true }) as unknown[];
    } catch (error) {
      context.fail(`cannot capture ${name}: ${path} is not a JSONPath (${(error as Error).message})`);
    }
    if (found.length === 0) context.fail(`cannot capture ${name}: nothing is at ${path} in the message`);
    context.variables.set(name, found[0]);
    const shown = JSON.stringify(found[0]) ?? String(found[0]);
    context.note(`captured ${name} = ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}`);
  }
}
