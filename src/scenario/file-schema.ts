/**
 * The file's JSON Schema, built from the step table: `editorSchema()` is what editors read
 * (schema/wscope.schema.json is its output, `wscope run --print-schema`), and the loader checks
 * files with the same parts through ajv — the top level first, then each step against its own
 * kind's schema, so an error names the step and the key that is wrong, not every alternative.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { savedMessageSchema } from './steps/schemas.js';
import { STEP_COMMON_SCHEMAS, STEP_KINDS } from './steps/index.js';
import type { JsonSchema, StepKind } from './steps/step-kind.js';

export const SCHEMA_ID = 'https://wscope.dev/schema/wscope.schema.json';

function fileSchema(step: JsonSchema): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      env: {
        type: 'object',
        description: 'environments by name (--env NAME, default "default"): variables for {{name}}',
        additionalProperties: { type: 'object' },
      },
      messages: { type: 'object', description: 'saved messages by name (a string is text)', additionalProperties: savedMessageSchema },
      scenarios: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'steps'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1 },
            connect: { description: 'the first step: connect to this URL (or { url, headers, subprotocols, tls, compression })' },
            steps: { type: 'array', items: { $ref: '#/definitions/step' } },
          },
        },
      },
      mock: { description: 'the mock server (wscope mock)' },
    },
    definitions: { step },
  };
}

/** The schema of one step of `kind`: its key, the common keys, its options. */
function stepSchema(kind: StepKind): JsonSchema {
  return {
    type: 'object',
    description: kind.summary,
    required: [kind.name],
    additionalProperties: false,
    properties: { [kind.name]: kind.schema, ...STEP_COMMON_SCHEMAS, ...kind.options },
  };
}

/** The JSON Schema editors use for `*.wscope.yaml` (yaml-language-server, VS Code). */
export function editorSchema(kinds: readonly StepKind[] = STEP_KINDS): Record<string, unknown> {
  const bare = kinds.filter((kind) => acceptsNull(kind)).map((kind) => kind.name);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'wscope file: environments, messages, scenarios, mock server',
    ...fileSchema({
      anyOf: [{ type: 'string', enum: bare, description: 'a step with nothing to say: - ping' }, ...kinds.map(stepSchema)],
    }),
  };
}

// verbose: errors carry their schema, whose description and keys make the message.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });

/** A kind that takes no arguments may be written bare, `- ping`. */
function acceptsNull(kind: StepKind): boolean {
  return checkStepArgs(kind, null) === undefined;
}

/** What is wrong, and where (keys from the root). */
export interface SchemaProblem {
  path: Array<string | number>;
  message: string;
}

let topLevel: ValidateFunction | undefined;
const stepValidators = new WeakMap<StepKind, ValidateFunction>();

/** Check the file's top level (each step is checked on its own, by `checkStepArgs`). */
export function checkAgainstSchema(value: unknown): SchemaProblem | undefined {
  topLevel ??= ajv.compile(fileSchema({ type: ['object', 'string'] }));
  if (topLevel(value)) return undefined;
  return firstProblem(topLevel.errors ?? [], []);
}

/** Check a step's arguments against its kind's schema; the path is from the arguments. */
export function checkStepArgs(kind: StepKind, args: unknown): SchemaProblem | undefined {
  let validate = stepValidators.get(kind);
  if (!validate) {
    // Nested steps (a repeat's) are checked one by one when they are read.
    validate = ajv.compile({ definitions: { step: { type: ['object', 'string'] } }, ...(kind.schema as object) });
    stepValidators.set(kind, validate);
  }
  if (validate(args)) return undefined;
  return firstProblem(validate.errors ?? [], []);
}

/**
 * One problem out of ajv's list: the deepest (the most precise about where); there, an unknown
 * key first, then what an alternative (anyOf) says it wants, then any other.
 */
function firstProblem(errors: ErrorObject[], base: Array<string | number>): SchemaProblem {
  const depth = (error: ErrorObject) => (error.instancePath === '' ? 0 : error.instancePath.split('/').length);
  const deepest = Math.max(...errors.map(depth));
  const there = errors.filter((error) => depth(error) === deepest);
  const described = there
    .filter((error) => (error.keyword === 'anyOf' || error.keyword === 'oneOf') && typeof describe(error) === 'string')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  const best =
    there.find((error) => error.keyword === 'additionalProperties') ??
    described[0] ??
    there.find((error) => error.keyword !== 'anyOf' && error.keyword !== 'oneOf') ??
    there[0] ??
    errors[0];
  if (!best) return { path: base, message: 'is invalid' };
  const path = [...base, ...pointer(best.instancePath)];
  const where =
    path.length > 0
      ? `${path
          .map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`))
          .join('')
          .replace(/^\./, '')}: `
      : '';
  const params = best.params as Record<string, unknown>;
  if (best.keyword === 'additionalProperties') {
    const key = String(params['additionalProperty']);
    return { path: [...path, key], message: `${where}unknown key "${key}"${allowedKeys(best)}` };
  }
  if (best.keyword === 'anyOf' || best.keyword === 'oneOf') return { path, message: `${where}expected ${describe(best)}` };
  if (best.keyword === 'required') return { path, message: `${where}"${String(params['missingProperty'])}" is missing` };
  const allowed = Array.isArray(params['allowedValues']) ? ` (${(params['allowedValues'] as unknown[]).join(', ')})` : '';
  return { path, message: `${where}${best.message ?? 'is invalid'}${allowed}` };
}

function describe(error: ErrorObject): string | undefined {
  return (error.parentSchema as { description?: unknown } | undefined)?.description as string | undefined;
}

function allowedKeys(error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? ` (expected ${Object.keys(properties).join(', ')})` : '';
}

/** JSON Pointer (RFC 6901) to keys; array indexes as numbers. */
function pointer(path: string): Array<string | number> {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}
