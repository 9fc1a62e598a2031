/**
 * A fixture's error details → the `grpc-status-details-bin` trailer: a google.rpc.Status
 * (code, message, details as Any), the "richer error model" of https://grpc.io/docs/guides/error/.
 * Each detail names its type with "@type", as the proto3 JSON mapping writes an Any; the type is
 * looked up in the served protos, then among google.rpc's standard error details
 * (google/rpc/error_details.proto), which are bundled here since few services ship them.
 */
import protobuf from 'protobufjs';

const GOOGLE_RPC = `
syntax = "proto3";
package google.rpc;
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
message RetryInfo { google.protobuf.Duration retry_delay = 1; }
message DebugInfo { repeated string stack_entries = 1; string detail = 2; }
message QuotaFailure { message Violation { string subject = 1; string description = 2; } repeated Violation violations = 1; }
message PreconditionFailure { message Violation { string type = 1; string subject = 2; string description = 3; } repeated Violation violations = 1; }
message BadRequest { message FieldViolation { string field = 1; string description = 2; } repeated FieldViolation field_violations = 1; }
message RequestInfo { string request_id = 1; string serving_data = 2; }
message ResourceInfo { string resource_type = 1; string resource_name = 2; string owner = 3; string description = 4; }
message Help { message Link { string description = 1; string url = 2; } repeated Link links = 1; }
message LocalizedMessage { string locale = 1; string message = 2; }
`;

let bundled: protobuf.Root | undefined;

function googleRpc(): protobuf.Root {
  if (!bundled) {
    const root = new protobuf.Root();
    for (const file of ['google/protobuf/any.proto', 'google/protobuf/duration.proto']) root.addJSON(protobuf.common.get(file)?.nested ?? {});
    bundled = protobuf.parse(GOOGLE_RPC, root, { keepCase: true }).root;
    bundled.resolveAll();
  }
  return bundled;
}

/** The message type a detail's "@type" URL names, or undefined. */
export function detailType(typeUrl: string, served: protobuf.Root): protobuf.Type | undefined {
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  for (const root of [served, googleRpc()]) {
    const found = root.lookup(name);
    if (found instanceof protobuf.Type) return found;
  }
  return undefined;
}

/**
 * The encoded google.rpc.Status. Details were checked when the file was loaded; each is encoded
 * from its fields (all but "@type") in protobufjs' object form.
 */
export function encodeStatusDetails(code: number, message: string, details: ReadonlyArray<Record<string, unknown>>, served: protobuf.Root): Buffer {
  const status = googleRpc().lookupType('google.rpc.Status');
  const anys = details.map((detail) => {
    const { '@type': typeUrl, ...fields } = detail;
    const type = detailType(String(typeUrl), served);
    if (!type) throw new Error(`unknown detail type ${String(typeUrl)}`);
    return { type_url: String(typeUrl), value: type.encode(type.fromObject(fields)).finish() };
  });
  return Buffer.from(status.encode(status.fromObject({ code, message, details: anys })).finish());
}
