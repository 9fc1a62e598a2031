/** JSON Schema matchers (ajv, draft 2020-12's vocabulary by default as ajv's), compiled once each. */
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
