/**
 * A query checked before anything is sent, with the graphql reference library: its syntax
 * (an error names its line and column), the operation it runs (for -n and the "one result"
 * rule of queries and mutations), and, when a schema is known, its validity against it.
 */
import { type DocumentNode, GraphQLError, type GraphQLSchema, getOperationAST, type OperationTypeNode, parse, validate } from 'graphql';

export type OperationKind = `${OperationTypeNode}`;

export interface CheckedQuery {
  document: DocumentNode;
  kind: OperationKind;
  /** The operation's own name, when it has one. */
  name: string | undefined;
}

export class QueryError extends Error {
  override name = 'QueryError';
}

/** `Syntax Error: Expected Name, found "}". (line 1, column 16)` */
function describe(error: GraphQLError): string {
  const at = error.locations?.[0];
  return at ? `${error.message} (line ${at.line}, column ${at.column})` : error.message;
}

/** The query parsed and its operation picked (by `operationName` when it has several); throws QueryError. */
export function checkQuery(query: string, operationName?: string, schema?: GraphQLSchema): CheckedQuery {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) throw new QueryError(describe(error));
    throw error;
  }
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const count = document.definitions.filter((d) => d.kind === 'OperationDefinition').length;
    if (count === 0) throw new QueryError('the document has no operation (query, mutation or subscription)');
    throw new QueryError(
      operationName === undefined
        ? `the document has ${count} operations: name one with --operation-name`
        : `the document has no operation named '${operationName}'`,
    );
  }
  if (schema) {
    const errors = validate(schema, document);
    if (errors.length > 0) throw new QueryError(errors.map(describe).join('; '));
  }
  return { document, kind: operation.operation, name: operation.name?.value };
}
