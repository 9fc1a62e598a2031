/**
 * The --mocks file (YAML or JSON): fixtures that replace the random values @graphql-tools/mock
 * makes up, and the events each subscription sends.
 *
 *   types:                      # per type: a scalar's or enum's value, an object type's fields
 *     String: "hello"
 *     User: { name: Ada, age: 36 }
 *     Query: { me: { name: Grace } }
 *   subscriptions:              # per Subscription field: its events, in order
 *     userJoined: [ { name: Linus }, { name: Ken } ]
 *
 * Checked twice before anything is served: its shape with ajv against MOCKS_FILE_SCHEMA, then
 * against the GraphQL schema (types, fields and enum values that exist). Every mistake is a
 * GraphqlMockFileError naming file:line:column and the path inside the file.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { type GraphQLSchema, isEnumType, isInputType, isInterfaceType, isObjectType, isScalarType } from 'graphql';
import { formatPlace, parseWithPlaces, type SourcePlaces, SourceSyntaxError } from '../../templating/index.js';
import { GraphqlMockFileError } from './file-error.js';

export interface MockFixtures {
  /** Per type name: the value every field of that type gets (a scalar), or field values (an object type). */
  types: Record<string, unknown>;
  /** Per Subscription field: the events it sends, each the field's value (an object is completed with mocked fields). */
  subscriptions: Record<string, unknown[]>;
}

export const NO_FIXTURES: MockFixtures = { types: {}, subscriptions: {} };

export const MOCKS_FILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'wscope graphql serve --mocks file',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    types: {
      type: 'object',
      description: "per type: a scalar's or enum's value, or an object type's field values",
      additionalProperties: { type: ['object', 'string', 'number', 'boolean', 'null'] },
    },
    subscriptions: {
      type: 'object',
      description: 'per Subscription field: the list of events it sends, in order',
      additionalProperties: { type: 'array', description: "a list of events, each the field's value" },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateShape = ajv.compile(MOCKS_FILE_SCHEMA);

type Path = ReadonlyArray<string | number>;

export function loadMocksFile(path: string, schema: GraphQLSchema): MockFixtures {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new GraphqlMockFileError(`${path}: cannot read the mocks file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return readMocks(text, path, schema);
}

export function readMocks(text: string, path: string, schema: GraphQLSchema): MockFixtures {
  let value: unknown;
  let places: SourcePlaces;
  try {
    ({ value, places } = parseWithPlaces(text, path));
  } catch (error) {
    if (error instanceof SourceSyntaxError) throw new GraphqlMockFileError(error.message);
    throw error;
  }
  const fail = (at: Path, problem: string): never => {
    const place = places.at(value, at);
    const where = at
      .map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`))
      .join('')
      .replace(/^\./, '');
    throw new GraphqlMockFileError(`${place ? formatPlace(place) : path}: ${where ? `${where}: ` : ''}${problem}`);
  };
  if (value === null || value === undefined) return NO_FIXTURES;
  if (!validateShape(value)) {
    const error = deepest(validateShape.errors ?? []);
    const at = pointer(error?.instancePath ?? '');
    if (error?.keyword === 'additionalProperties') {
      const key = String((error.params as { additionalProperty: unknown }).additionalProperty);
      // Only the top level closes its keys: below it, names are the schema's types and fields.
      fail([...at, key], `unknown key "${key}" (expected types, subscriptions)`);
    }
    fail(at, error?.message ?? 'is invalid');
  }
  const file = value as { types?: Record<string, unknown>; subscriptions?: Record<string, unknown[]> };
  const fixtures: MockFixtures = { types: file.types ?? {}, subscriptions: file.subscriptions ?? {} };
  for (const [name, fixture] of Object.entries(fixtures.types)) checkTypeFixture(schema, name, fixture, ['types', name], fail);
  const subscription = schema.getSubscriptionType();
  for (const field of Object.keys(fixtures.subscriptions)) {
    if (!subscription) fail(['subscriptions', field], 'the schema has no Subscription type');
    else if (!subscription.getFields()[field])
      fail(['subscriptions', field], `no field "${field}" on ${subscription.name} (fields: ${Object.keys(subscription.getFields()).join(', ')})`);
  }
  return fixtures;
}

function checkTypeFixture(schema: GraphQLSchema, name: string, fixture: unknown, at: Path, fail: (at: Path, problem: string) => never): void {
  const type = schema.getType(name);
  if (!type || name.startsWith('__')) {
    const known = Object.keys(schema.getTypeMap()).filter((n) => !n.startsWith('__'));
    fail(at, `no type "${name}" in the schema (types: ${known.join(', ')})`);
  }
  if (isScalarType(type) || isEnumType(type)) {
    if (typeof fixture === 'object' && fixture !== null) fail(at, `${name} is a ${isEnumType(type) ? 'enum' : 'scalar'}: give its value, not an object`);
    if (isEnumType(type) && !type.getValues().some((v) => v.name === fixture))
      fail(
        at,
        `"${String(fixture)}" is not a value of enum ${name} (values: ${type
          .getValues()
          .map((v) => v.name)
          .join(', ')})`,
      );
    return;
  }
  if (isObjectType(type) || isInterfaceType(type)) {
    if (typeof fixture !== 'object' || fixture === null) fail(at, `${name} is an object type: give its fields' values, { field: value }`);
    const fields = type.getFields();
    for (const field of Object.keys(fixture as object)) {
      if (!fields[field]) fail([...at, field], `no field "${field}" on type ${name} (fields: ${Object.keys(fields).join(', ')})`);
    }
    return;
  }
  fail(at, `${name} is ${isInputType(type) ? 'an input type' : 'a union'}: give fixtures for the object types it holds`);
}

/** The error deepest in the file: the most precise about where. */
function deepest(errors: ErrorObject[]): ErrorObject | undefined {
  return [...errors].sort((a, b) => pointer(b.instancePath).length - pointer(a.instancePath).length)[0];
}

function pointer(path: string): Array<string | number> {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}
