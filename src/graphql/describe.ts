/**
 * A GraphQL-over-WebSocket message as a person reads it: its type, its operation id and, for the
 * messages that start one, the operation's kind and name — for --show-frames and the inspector's
 * rows. Pure (no graphql library, no Node): the inspector's page bundles it for the browser.
 */
import { parseGraphqlTransportWs } from '../protocol/subprotocols/graphql-transport-ws.js';
import { parseGraphqlWsLegacy } from '../protocol/subprotocols/graphql-ws-legacy.js';
import { GRAPHQL_TRANSPORT_WS } from '../protocol/subprotocols/graphql-transport-ws.js';
import { GRAPHQL_WS_LEGACY } from '../protocol/subprotocols/graphql-ws-legacy.js';

export interface GraphqlMessageSummary {
  /** The message's `type` (`subscribe`, `next`, `data`, `ka`...), or `invalid`. */
  type: string;
  id?: string;
  /** subscribe / start: query, mutation or subscription. */
  operation?: 'query' | 'mutation' | 'subscription';
  /** subscribe / start: the payload's operationName, else the name written in the query. */
  operationName?: string;
  /** Why the text is not a message of the agreed protocol (the codec's reason). */
  problem?: string;
}

/** What `text` is on a connection that agreed `subprotocol`; undefined when that is not a GraphQL one. */
export function describeGraphqlMessage(text: string, subprotocol: string): GraphqlMessageSummary | undefined {
  const parse = subprotocol === GRAPHQL_TRANSPORT_WS ? parseGraphqlTransportWs : subprotocol === GRAPHQL_WS_LEGACY ? parseGraphqlWsLegacy : undefined;
  if (!parse) return undefined;
  const parsed = parse(text);
  if ('error' in parsed) return { type: 'invalid', problem: parsed.error };
  const message = parsed.message as { type: string; id?: unknown; payload?: unknown };
  const summary: GraphqlMessageSummary = { type: message.type };
  if (typeof message.id === 'string') summary.id = message.id;
  if (message.type === 'subscribe' || message.type === 'start') {
    const payload = message.payload as { query: string; operationName?: string | null };
    const written = operationOf(payload.query, payload.operationName ?? undefined);
    summary.operation = written.operation;
    const name = payload.operationName ?? written.name;
    if (name) summary.operationName = name;
  }
  return summary;
}

/** `subscribe 1 subscription OnCount`, `next 1`, `ka`, `invalid: not JSON...`. */
export function formatGraphqlSummary(summary: GraphqlMessageSummary): string {
  if (summary.problem !== undefined) return `invalid: ${summary.problem}`;
  return [summary.type, summary.id, summary.operation, summary.operationName].filter((part) => part !== undefined && part !== '').join(' ');
}

/**
 * The kind and name of the operation a document holds (the one named `wanted`, else the first),
 * read from its text: a keyword at the top level starts a definition whose `{` follows; a `{`
 * with no keyword before it is an anonymous query (GraphQL spec §2.3, "query shorthand").
 */
function operationOf(query: string, wanted: string | undefined): { operation: 'query' | 'mutation' | 'subscription'; name?: string } {
  // Comments and strings may hold braces and keywords: blank them first.
  const source = query.replace(/#[^\n\r]*/g, '').replace(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"/g, '""');
  const found: Array<{ operation: 'query' | 'mutation' | 'subscription'; name?: string }> = [];
  let depth = 0;
  let definitionOpen = false;
  const token = /[{}]|\b(query|mutation|subscription|fragment)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/g;
  for (let match = token.exec(source); match; match = token.exec(source)) {
    if (match[0] === '{') {
      if (depth === 0 && !definitionOpen) found.push({ operation: 'query' });
      definitionOpen = false;
      depth += 1;
    } else if (match[0] === '}') {
      depth = Math.max(0, depth - 1);
    } else if (depth === 0) {
      if (match[1] !== 'fragment') found.push({ operation: match[1] as 'query' | 'mutation' | 'subscription', ...(match[2] && { name: match[2] }) });
      definitionOpen = true;
    }
  }
  return found.find((op) => wanted !== undefined && op.name === wanted) ?? found[0] ?? { operation: 'query' };
}
