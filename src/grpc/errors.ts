/** The errors of the gRPC room, each with a stable name the CLI maps to an exit code. */

/** A schema that cannot be had: a .proto or protoset that is missing, unreadable or invalid, or a symbol it does not define. */
export class GrpcSchemaError extends Error {
  override name = 'GrpcSchemaError';
}

/** A symbol (service, method, message, enum) the schema does not define. */
export class GrpcSymbolError extends Error {
  override name = 'GrpcSymbolError';
}
