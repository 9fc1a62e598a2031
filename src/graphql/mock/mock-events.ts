/** What the GraphQL mock server tells whoever runs it (the CLI prints a line for each). */
import type { GraphQLFormattedError, OperationTypeNode } from 'graphql';

export type SessionEvent =
  /** The client sent connection_init and we acknowledged it. */
  | { type: 'init'; payload: unknown }
  | { type: 'operation'; id: string; operation: OperationTypeNode; name: string | undefined }
  /** Refused before running: a syntax or validation error, answered as the protocol does. */
  | { type: 'rejected'; id: string; stage: 'syntax' | 'validation'; errors: readonly GraphQLFormattedError[] }
  /** An operation ended: its results all sent (`completed`), stopped by the client, or failed while running. */
  | { type: 'finished'; id: string; results: number; how: 'completed' | 'stopped' | 'failed'; error?: string }
  /** The client broke the protocol and we closed the connection with `code`. */
  | { type: 'violation'; code: number; reason: string };

export type GraphqlMockEvent =
  | { type: 'connection'; client: number; protocol: string; remoteAddress: string | undefined; remotePort: number | undefined; path: string }
  /** The client offered neither subprotocol: closed with 4406, as graphql-ws's server does. */
  | { type: 'unacceptable'; client: number; offered: readonly string[] }
  | (SessionEvent & { client: number })
  | { type: 'close'; client: number; code: number; reason: string };
