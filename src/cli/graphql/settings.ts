/** What `wscope graphql` was asked to do, read from its flags and checked before connecting. */
import { readFileSync } from 'node:fs';
import type { GraphqlOperationPayload, JsonObject } from '../../index.js';
import { GRAPHQL_PROTOCOLS, type GraphqlProtocolName } from '../../graphql/wire-protocol.js';
import { checkUrl, DEFAULT_MAX_REDIRECTS } from '../commands/connect.js';
import {
  type CompressionSettings,
  compressionFlags,
  type HeaderSettings,
  type HeartbeatSettings,
  headerFlags,
  heartbeatFlags,
  type InspectSettings,
  inspectFlags,
  type RawOptions,
  type RecordingSettings,
  recordingFlags,
  type TlsSettings,
  tlsFlags,
} from '../flags.js';
import { UsageError } from '../usage-error.js';

export type ProtocolChoice = 'auto' | GraphqlProtocolName;
export const PROTOCOL_CHOICES: readonly ProtocolChoice[] = ['auto', ...GRAPHQL_PROTOCOLS];

/** Seconds to wait for connection_ack when --timeout is not given. */
export const DEFAULT_ACK_TIMEOUT_S = 10;

export interface GraphqlSettings {
  url: string;
  /** The operation to run (-q with -v, --operation-name); undefined: interactive, or --schema. */
  operation?: GraphqlOperationPayload;
  init?: JsonObject;
  protocol: ProtocolChoice;
  /** Stop after this many results. */
  count?: number;
  /** --timeout: the ack timeout, and how long the operation may run. */
  timeout?: number;
  schema: boolean;
  http?: string;
  color: boolean;
  showFrames: boolean;
  timestamps: boolean;
  headers: HeaderSettings;
  tls: TlsSettings;
  heartbeat: HeartbeatSettings;
  compression: CompressionSettings;
  recording: RecordingSettings;
  inspect: InspectSettings;
  followRedirects: boolean;
  maxRedirects: number;
  proxy?: string;
}

/** A JSON object given on the command line or in a file, or a usage error naming where. */
export function jsonObject(text: string, where: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${where} must be a JSON object, like '{"id": 1}'`);
  return value as JsonObject;
}

function readVariables(raw: RawOptions): JsonObject | undefined {
  const inline = raw['variables'] as string | undefined;
  const file = raw['variablesFile'] as string | undefined;
  if (inline !== undefined && file !== undefined) throw new UsageError('use either -v or --variables-file, not both');
  if (inline !== undefined) return jsonObject(inline, '-v');
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --variables-file ${file}: ${(error as Error).message}`);
  }
  return jsonObject(text, `--variables-file ${file}`);
}

export function readGraphqlSettings(url: string | undefined, raw: RawOptions): GraphqlSettings {
  if (url === undefined) throw new UsageError("missing the server's URL: wscope graphql URL -q QUERY");
  const query = raw['query'] as string | undefined;
  const variables = readVariables(raw);
  const operationName = raw['operationName'] as string | undefined;
  const schema = (raw['schema'] as boolean | undefined) ?? false;
  const http = raw['http'] as string | undefined;
  if (query === undefined && (variables !== undefined || operationName !== undefined))
    throw new UsageError('-v, --variables-file and --operation-name go with -q QUERY');
  if (schema && query !== undefined) throw new UsageError('use either -q QUERY or --schema, not both');
  if (http !== undefined && !schema) throw new UsageError('--http URL goes with --schema');
  if (http !== undefined && !/^https?:\/\//i.test(http)) throw new UsageError(`--http '${http}': expected an http:// or https:// URL`);
  // graphql's --protocol picks the GraphQL subprotocol, not the WebSocket version headerFlags checks.
  const headers = headerFlags.read({ ...raw, protocol: undefined });
  if (headers.subprotocols.length > 0) throw new UsageError('graphql offers its own subprotocols: use --protocol instead of -s');
  const init = raw['init'] as string | undefined;
  const maxRedirects = raw['maxRedirects'] as number | true;
  const proxy = raw['proxy'] as string | undefined;
  const count = raw['count'] as number | undefined;
  const timeout = raw['timeout'] as number | undefined;
  return {
    url: checkUrl(url),
    ...(query !== undefined && {
      operation: {
        query,
        ...(variables !== undefined && { variables }),
        ...(operationName !== undefined && { operationName }),
      },
    }),
    ...(init !== undefined && { init: jsonObject(init, '--init') }),
    protocol: (raw['protocol'] as ProtocolChoice | undefined) ?? 'auto',
    ...(count !== undefined && { count }),
    ...(timeout !== undefined && { timeout }),
    schema,
    ...(http !== undefined && { http }),
    color: (raw['color'] as boolean | undefined) ?? true,
    showFrames: (raw['showFrames'] as boolean | undefined) ?? false,
    timestamps: (raw['timestamps'] as boolean | undefined) ?? false,
    headers,
    tls: tlsFlags.read(raw),
    heartbeat: heartbeatFlags.read(raw),
    compression: compressionFlags.read(raw),
    recording: recordingFlags.read(raw),
    inspect: inspectFlags.read(raw),
    followRedirects: (raw['location'] as boolean | undefined) ?? false,
    maxRedirects: maxRedirects === true ? DEFAULT_MAX_REDIRECTS : maxRedirects,
    ...(proxy !== undefined && { proxy }),
  };
}
