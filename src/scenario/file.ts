/**
 * A `*.wscope.yaml` file read and checked: environments, saved messages, scenarios, and the
 * sections other tools own (`mock:`), kept as they are for them. Every problem is a
 * ScenarioFileError naming file:line:column and what is wrong, found before anything runs.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  formatPlace,
  isTemplate,
  type MessageSpec,
  messageKind,
  MessageSpecError,
  parseBase64,
  parseHex,
  parseWithPlaces,
  type Place,
  SourceSyntaxError,
} from '../templating/index.js';
import { checkAgainstSchema, checkStepArgs } from './file-schema.js';
import { findStepKind, stepKindOf, stepKindNames, STEP_COMMON_KEYS } from './steps/index.js';
import type { ScenarioFile, StepNode } from './model.js';
import { StepArgsError } from './steps/step-kind.js';

export class ScenarioFileError extends Error {
  override name = 'ScenarioFileError';
  constructor(
    readonly place: Place,
    readonly problem: string,
  ) {
    super(`${formatPlace(place)}: ${problem}`);
  }
}

/** Read and check a file; throws ScenarioFileError (unreadable files included, at line 1). */
export function loadScenarioFile(path: string): ScenarioFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioFileError({ file: path, line: 1, column: 1 }, `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseScenarioFile(text, path);
}

export function parseScenarioFile(text: string, path: string): ScenarioFile {
  let parsed: ReturnType<typeof parseWithPlaces>;
  try {
    parsed = parseWithPlaces(text, path);
  } catch (error) {
    if (error instanceof SourceSyntaxError) throw new ScenarioFileError(error.place, error.problem);
    throw error;
  }
  const { value, places } = parsed;
  const fileStart: Place = { file: path, line: 1, column: 1 };
  const problem = checkAgainstSchema(value);
  if (problem) throw new ScenarioFileError(places.at(value, problem.path) ?? fileStart, problem.message);
  const root = value as Record<string, unknown>;
  const messages = (root['messages'] ?? {}) as Record<string, MessageSpec>;
  for (const [name, spec] of Object.entries(messages)) {
    try {
      const kind = messageKind(spec);
      // Bytes written as they are (no {{variable}} in them) are checked now, not when sent.
      const bytes = kind === 'binary' || kind === 'base64' ? String((spec as Record<string, unknown>)[kind]) : undefined;
      if (bytes !== undefined && !isTemplate(bytes)) kind === 'binary' ? parseHex(bytes) : parseBase64(bytes);
    } catch (error) {
      if (error instanceof MessageSpecError) throw new ScenarioFileError(places.of(messages, name) ?? fileStart, `message "${name}": ${error.message}`);
      throw error;
    }
  }
  const file: ScenarioFile = {
    path,
    baseDir: dirname(resolve(path)),
    root,
    places,
    env: (root['env'] ?? {}) as Record<string, Record<string, unknown>>,
    messages,
    scenarios: [],
    mock: root['mock'],
  };
  const scenarios = (root['scenarios'] ?? []) as Array<Record<string, unknown>>;
  const names = new Map<string, Place>();
  scenarios.forEach((map, index) => {
    const place = places.of(scenarios, index) ?? fileStart;
    const name = map['name'] as string;
    const before = names.get(name);
    if (before) throw new ScenarioFileError(places.of(map, 'name') ?? place, `two scenarios are named "${name}" (the other is at line ${before.line})`);
    names.set(name, place);
    const steps: StepNode[] = [];
    // `connect:` beside the steps is the first step, as if written in them.
    if (Object.hasOwn(map, 'connect')) steps.push(readStep({ connect: map['connect'] }, file, places.of(map, 'connect') ?? place, map, 'connect'));
    steps.push(...readSteps(map['steps'] as unknown[], file));
    file.scenarios.push({ name, place, steps, map });
  });
  return file;
}

/** The steps of a list (a scenario's, or a `repeat`'s), each checked. */
export function readSteps(list: unknown[], file: ScenarioFile): StepNode[] {
  return list.map((step, index) => {
    const place = file.places.of(list, index) ?? { file: file.path, line: 1, column: 1 };
    if (typeof step === 'string') {
      // `- ping`: a step with nothing to say about it.
      const bare = { [step]: null };
      file.places.recordContainer(bare, place);
      file.places.record(bare, step, place);
      list[index] = bare;
      return readStep(bare, file, place);
    }
    return readStep(step as Record<string, unknown>, file, place);
  });
}

function readStep(map: Record<string, unknown>, file: ScenarioFile, place: Place, argsContainer?: object, argsKey?: string): StepNode {
  const kinds = Object.keys(map).filter((key) => !STEP_COMMON_KEYS.includes(key) && findStepKind(key));
  if (kinds.length !== 1 || kinds[0] === undefined) {
    const unknown = Object.keys(map).filter((key) => !STEP_COMMON_KEYS.includes(key) && !findStepKind(key));
    const problem =
      kinds.length > 1
        ? `a step does one thing, this one has ${kinds.join(' and ')}`
        : unknown.length > 0
          ? `unknown step "${unknown[0]}" (steps: ${stepKindNames().join(', ')})`
          : `a step needs one of ${stepKindNames().join(', ')}`;
    throw new ScenarioFileError(place, problem);
  }
  const kind = stepKindOf(kinds[0]);
  const allowed = new Set([kind.name, ...STEP_COMMON_KEYS, ...Object.keys(kind.options ?? {})]);
  const extra = Object.keys(map).find((key) => !allowed.has(key));
  if (extra !== undefined) {
    throw new ScenarioFileError(
      file.places.of(map, extra) ?? place,
      `"${extra}" does not belong in a ${kind.name} step (it may have ${[...allowed].filter((key) => key !== kind.name).join(', ')})`,
    );
  }
  const node: StepNode = { kind, args: map[kind.name], map, place };
  const container = argsContainer ?? map;
  const key = argsKey ?? kind.name;
  const argsPlace = file.places.of(container, key) ?? place;
  const problem = checkStepArgs(kind, node.args);
  if (problem) {
    const at = problem.path.length > 0 ? file.places.at(node.args, problem.path) : undefined;
    throw new ScenarioFileError(at ?? argsPlace, `${kind.name}: ${problem.message}`);
  }
  try {
    kind.check?.(node.args, {
      file,
      container,
      key,
      readSteps: (list) => {
        node.children = readSteps(list, file);
        return node.children;
      },
    });
  } catch (error) {
    if (error instanceof StepArgsError) {
      const at = error.path.length > 0 ? file.places.at(node.args, error.path) : undefined;
      throw new ScenarioFileError(at ?? argsPlace, `${kind.name}: ${error.message}`);
    }
    throw error;
  }
  return node;
}
