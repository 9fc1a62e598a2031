/**
 * SCHEMA.graphql → a GraphQLSchema, checked by the reference library's own SDL rules
 * (`buildSchema`), so what we serve is what graphql-js would accept. A syntax error names its
 * line and column; a schema that parses but is wrong (an unknown type) names the file.
 */
import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLError, type GraphQLSchema } from 'graphql';
import { GraphqlMockFileError } from './file-error.js';

export function loadSchemaFile(path: string): GraphQLSchema {
  let sdl: string;
  try {
    sdl = readFileSync(path, 'utf8');
  } catch (error) {
    throw new GraphqlMockFileError(`${path}: cannot read the schema: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return schemaFromSdl(sdl, path);
}

export function schemaFromSdl(sdl: string, path: string): GraphQLSchema {
  let schema: GraphQLSchema;
  try {
    schema = buildSchema(sdl);
  } catch (error) {
    const where = error instanceof GraphQLError && error.locations?.[0] ? `:${error.locations[0].line}:${error.locations[0].column}` : '';
    // buildSchema joins every SDL problem with blank lines: the first is enough to start with.
    const first = (error as Error).message.split('\n\n')[0] ?? (error as Error).message;
    throw new GraphqlMockFileError(`${path}${where}: ${first.replace(/\n/g, ' ')}`);
  }
  if (!schema.getQueryType()) throw new GraphqlMockFileError(`${path}: the schema has no Query type (a GraphQL schema needs one)`);
  return schema;
}
