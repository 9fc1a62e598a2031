/**
 * One operation as a GraphQL server runs it, with the reference library: parse, validate,
 * then execute (query, mutation) or subscribe. What comes back says which of the three ways it
 * went, because the two protocols report each differently (see the sessions).
 */
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  type OperationTypeNode,
  parse,
  subscribe,
  validate,
} from 'graphql';

export interface OperationRequest {
  query: string;
  variables?: Record<string, unknown> | null | undefined;
  operationName?: string | null | undefined;
}

export type OperationOutcome =
  /** Refused before running: a syntax error (one, with its location) or validation errors. */
  | { kind: 'invalid'; stage: 'syntax' | 'validation'; errors: GraphQLFormattedError[] }
  /** A query or mutation: one result (its `errors`, if any, inside). */
  | { kind: 'result'; operation: OperationTypeNode; name: string | undefined; result: ExecutionResult }
  /** A subscription: results until the stream ends; `return()` stops it. */
  | { kind: 'stream'; name: string | undefined; results: AsyncGenerator<ExecutionResult, void, void> };

export async function runOperation(schema: GraphQLSchema, request: OperationRequest): Promise<OperationOutcome> {
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    if (error instanceof GraphQLError) return { kind: 'invalid', stage: 'syntax', errors: [error.toJSON()] };
    throw error;
  }
  const problems = validate(schema, document);
  if (problems.length > 0) return { kind: 'invalid', stage: 'validation', errors: problems.map((problem) => problem.toJSON()) };
  const operation = getOperationAST(document, request.operationName ?? undefined);
  if (!operation) {
    const why = request.operationName
      ? `Unknown operation named "${request.operationName}".`
      : 'Must provide operation name if query contains multiple operations.';
    return { kind: 'invalid', stage: 'validation', errors: [{ message: why }] };
  }
  const args = {
    schema,
    document,
    variableValues: request.variables ?? undefined,
    operationName: request.operationName ?? undefined,
  };
  const name = operation.name?.value;
  if (operation.operation !== 'subscription') return { kind: 'result', operation: operation.operation, name, result: await execute(args) };
  const subscribed = await subscribe(args);
  // A subscription that cannot start (bad variables, a failing subscribe resolver) answers with one result, as execute does.
  if (!(Symbol.asyncIterator in subscribed)) return { kind: 'result', operation: operation.operation, name, result: subscribed };
  return { kind: 'stream', name, results: subscribed };
}

/** An execution result as JSON puts it on the wire: errors formatted (GraphQL spec §7.1.2). */
export function formatResult(result: ExecutionResult): Record<string, unknown> {
  const { errors, ...rest } = result;
  return { ...rest, ...(errors && { errors: errors.map((error) => error.toJSON()) }) };
}
