/**
 * A server's schema as SDL, from the standard introspection query (GraphQL spec §4), run over
 * WebSocket as any operation, or POSTed over HTTP for servers that introspect only there.
 */
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery, printSchema } from 'graphql';
import type { GraphqlExecutionResult } from '../index.js';

export const INTROSPECTION_QUERY = getIntrospectionQuery();

export class IntrospectionError extends Error {
  override name = 'IntrospectionError';
  constructor(
    message: string,
    /** The server answered with GraphQL errors (rather than no answer, or not GraphQL). */
    readonly graphqlErrors: boolean,
  ) {
    super(message);
  }
}

/** The SDL of the schema an introspection result describes; throws IntrospectionError. */
export function schemaSdl(result: GraphqlExecutionResult): string {
  if (result.errors && result.errors.length > 0) throw new IntrospectionError(`introspection failed: ${result.errors.map((e) => e.message).join('; ')}`, true);
  const data = result.data as unknown as IntrospectionQuery | null | undefined;
  if (!data || typeof data !== 'object' || !('__schema' in data)) throw new IntrospectionError('the introspection result has no data.__schema', false);
  try {
    return printSchema(buildClientSchema(data));
  } catch (error) {
    throw new IntrospectionError(`the introspection result is not a schema: ${(error as Error).message}`, false);
  }
}

/** POST the introspection query to `url` (GraphQL over HTTP: a JSON body `{ query }`), and return the result. */
export async function introspectOverHttp(url: string, headers: Array<[string, string]>): Promise<GraphqlExecutionResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: [['content-type', 'application/json'], ['accept', 'application/graphql-response+json, application/json'], ...headers],
      body: JSON.stringify({ query: INTROSPECTION_QUERY }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    throw new IntrospectionError(`POST ${url} failed: ${cause?.message ?? (error as Error).message}`, false);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new IntrospectionError(`POST ${url}: ${response.status} ${response.statusText}, not JSON: ${JSON.stringify(text.slice(0, 200))}`, false);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new IntrospectionError(`POST ${url}: ${response.status}, not a GraphQL result`, false);
  return body as GraphqlExecutionResult;
}
