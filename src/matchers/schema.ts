/** JSON Schema matchers (ajv's default: draft-07), each compiled once when its step runs. */
import { Ajv, type ValidateFunction } from 'ajv';
import { MatcherSpecError } from './errors.js';

const ajv = new Ajv({ allErrors: true, strict: false });

export function compileSchema(schema: unknown): ValidateFunction {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    if (typeof schema !== 'boolean') throw new MatcherSpecError('"schema" must be a JSON Schema (an object)', 'schema');
  }
  try {
    return ajv.compile(schema as object);
  } catch (error) {
    throw new MatcherSpecError(`"schema" is not a valid JSON Schema: ${(error as Error).message}`, 'schema');
  }
}
