/**
 * What the GraphQL subprotocol codecs share: the JSON shapes their messages are made of, and the
 * answer a parser gives (a message, or why the text is not one). Pure: values in, values out.
 */

/** A parser's answer: the message, or the reason the text is not a valid one (a peer closes with 4400). */
export type ParseResult<M> = { message: M } | { error: string };

export type JsonObject = Record<string, unknown>;

/** A GraphQL error as a server formats it (GraphQL spec §7.1.2 "Errors"). */
export interface GraphqlFormattedError {
  message: string;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  path?: ReadonlyArray<string | number>;
  extensions?: JsonObject;
}

/** An execution result as the server sent it (GraphQL spec §7.1 "Response Format"). */
export interface GraphqlExecutionResult {
  data?: JsonObject | null;
  errors?: GraphqlFormattedError[];
  extensions?: JsonObject;
  [key: string]: unknown;
}

/** What a client asks a server to run: `subscribe` (graphql-transport-ws) and `start` (legacy) carry it. */
export interface GraphqlOperationPayload {
  query: string;
  variables?: JsonObject | null;
  operationName?: string | null;
  extensions?: JsonObject | null;
}

/** `null`, `array`, or JavaScript's typeof: how a reason names what it found. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function isObject(value: unknown): value is JsonObject {
  return kindOf(value) === 'object';
}

/** JSON text to an object with a string `type`, or the reason it is not one. */
export function parseTyped(text: string): ParseResult<JsonObject & { type: string }> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
  if (!isObject(value)) return { error: `a message is a JSON object, got ${kindOf(value)}` };
  if (!('type' in value)) return { error: "the message has no 'type'" };
  if (typeof value['type'] !== 'string') return { error: `'type' is a string, got ${kindOf(value['type'])}` };
  return { message: value as JsonObject & { type: string } };
}

/**
 * A text message parsed and checked by a protocol's `problem` rule: the message when the rule finds
 * nothing, else why not. Both GraphQL codecs parse this way, differing only in their rules.
 */
export function parseChecked<T>(text: string, problem: (message: JsonObject & { type: string }) => string | undefined): ParseResult<T> {
  const typed = parseTyped(text);
  if ('error' in typed) return typed;
  const reason = problem(typed.message);
  return reason === undefined ? { message: typed.message as T } : { error: reason };
}

/** Why an operation payload (`subscribe`'s, legacy `start`'s) is not valid, or undefined when it is. */
export function operationPayloadProblem(type: string, payload: unknown): string | undefined {
  if (!isObject(payload)) return `"${type}" needs an object 'payload', got ${kindOf(payload)}`;
  if (typeof payload['query'] !== 'string') return `"${type}" payload needs a string 'query', got ${kindOf(payload['query'])}`;
  for (const key of ['variables', 'extensions'] as const) {
    const value = payload[key];
    if (value != null && !isObject(value)) return `"${type}" payload's '${key}' is an object, null or absent, got ${kindOf(value)}`;
  }
  const name = payload['operationName'];
  if (name != null && typeof name !== 'string') return `"${type}" payload's 'operationName' is a string, null or absent, got ${kindOf(name)}`;
  return undefined;
}

/** Is this a list of GraphQL errors, at least one, each with a message? */
export function isErrorList(value: unknown): value is GraphqlFormattedError[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => isObject(item) && typeof item['message'] === 'string');
}
