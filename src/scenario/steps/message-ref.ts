/** A message named in a step (`send: hello`, `expect: bye`): checked against the file, shown in reports. */
import type { ScenarioFile } from '../model.js';
import { StepArgsError } from './step-kind.js';

export function checkMessageRef(args: unknown, file: ScenarioFile, path: Array<string | number> = []): void {
  if (typeof args !== 'string') return;
  if (!Object.hasOwn(file.messages, args)) {
    const names = Object.keys(file.messages);
    throw new StepArgsError(`no message is named "${args}" (${names.length > 0 ? `messages: ${names.join(', ')}` : 'the file has no messages:'})`, path);
  }
}

/** `hello`, or an inline message shortened: `{"text":"ping {{$uuid}}"}`. */
export function describeMessageRef(args: unknown): string {
  if (typeof args === 'string') return args;
  const text = JSON.stringify(args) ?? String(args);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
