/**
 * gRPC status codes with their names and meanings (https://grpc.github.io/grpc/core/md_doc_statuscodes.html),
 * and `grpc-status-details-bin` decoded as google.rpc.Status with its details unpacked.
 */
import protobuf from 'protobufjs';
import type { GrpcJsonCodec } from './json.js';
import { GOOGLE_RPC_ERROR_DETAILS_PROTO, GOOGLE_RPC_STATUS_PROTO } from './protos/google-rpc.js';

export const STATUS_CODES: ReadonlyArray<{ code: number; name: string; meaning: string }> = [
  { code: 0, name: 'OK', meaning: 'not an error; returned on success' },
  { code: 1, name: 'CANCELLED', meaning: 'the operation was cancelled, typically by the caller' },
  { code: 2, name: 'UNKNOWN', meaning: 'unknown error, or an error from a status space this process does not know' },
  { code: 3, name: 'INVALID_ARGUMENT', meaning: 'the client specified an invalid argument' },
  { code: 4, name: 'DEADLINE_EXCEEDED', meaning: 'the deadline expired before the operation could complete' },
  { code: 5, name: 'NOT_FOUND', meaning: 'some requested entity was not found' },
  { code: 6, name: 'ALREADY_EXISTS', meaning: 'the entity the client tried to create already exists' },
  { code: 7, name: 'PERMISSION_DENIED', meaning: 'the caller does not have permission to execute the operation' },
  { code: 8, name: 'RESOURCE_EXHAUSTED', meaning: 'some resource has been exhausted (a quota, or the file system is out of space)' },
  { code: 9, name: 'FAILED_PRECONDITION', meaning: 'the system is not in a state required for the operation' },
  { code: 10, name: 'ABORTED', meaning: 'the operation was aborted, typically by a concurrency issue' },
  { code: 11, name: 'OUT_OF_RANGE', meaning: 'the operation was attempted past the valid range' },
  { code: 12, name: 'UNIMPLEMENTED', meaning: 'the operation is not implemented, supported or enabled in this service' },
  { code: 13, name: 'INTERNAL', meaning: 'internal error: an invariant the system expects is broken' },
  { code: 14, name: 'UNAVAILABLE', meaning: 'the service is currently unavailable; retrying may help' },
  { code: 15, name: 'DATA_LOSS', meaning: 'unrecoverable data loss or corruption' },
  { code: 16, name: 'UNAUTHENTICATED', meaning: 'the request does not have valid authentication credentials' },
];

export function statusName(code: number): string {
  return STATUS_CODES[code]?.name ?? `CODE_${code}`;
}

export function statusMeaning(code: number): string {
  return STATUS_CODES[code]?.meaning ?? 'not a code gRPC defines';
}

/** `5 NOT_FOUND: the message` (the message omitted when empty). */
export function formatStatus(code: number, details: string): string {
  return `${code} ${statusName(code)}${details === '' ? '' : `: ${details}`}`;
}

let rpcRoot: protobuf.Root | undefined;

/** google.rpc.Status and the error detail types, in a root of their own. */
export function googleRpcRoot(): protobuf.Root {
  if (!rpcRoot) {
    const root = new protobuf.Root();
    protobuf.parse(GOOGLE_RPC_STATUS_PROTO, root, { keepCase: true });
    protobuf.parse(GOOGLE_RPC_ERROR_DETAILS_PROTO, root, { keepCase: true });
    // The imports name files protobufjs bundles.
    root.loadSync(['google/protobuf/any.proto', 'google/protobuf/duration.proto'], { keepCase: true });
    root.resolveAll();
    rpcRoot = root;
  }
  return rpcRoot;
}

export interface DecodedStatusDetails {
  code: number;
  message: string;
  /** Each detail as proto3 JSON: `{"@type": "type.googleapis.com/google.rpc.BadRequest", ...}` when its type is known, else `@type` and base64 `value`. */
  details: Array<Record<string, unknown>>;
}

/**
 * `grpc-status-details-bin` as google.rpc.Status. A detail's type is looked up in the call's
 * schema first, then among google.rpc's error details; `undefined` when the bytes are not a
 * Status at all.
 */
export function decodeStatusDetails(bytes: Uint8Array, codec: GrpcJsonCodec): DecodedStatusDetails | undefined {
  const statusType = googleRpcRoot().lookupType('google.rpc.Status');
  // Which name the Any's field has depends on where protobufjs found any.proto.
  let status: { code?: number; message?: string; details?: Array<{ type_url?: string; typeUrl?: string; value?: Uint8Array }> };
  try {
    status = statusType.toObject(statusType.decode(bytes), { defaults: true, arrays: true }) as typeof status;
  } catch {
    return undefined;
  }
  return {
    code: status.code ?? 0,
    message: status.message ?? '',
    details: (status.details ?? []).map((any) => codec.anyToJson(any.type_url ?? any.typeUrl ?? '', any.value ?? new Uint8Array(0))),
  };
}
