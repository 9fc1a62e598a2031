/**
 * The gRPC room: descriptor sources (.proto files, protosets, server reflection) that all hand
 * back one GrpcDescriptors, the schema lookups, and the calls made on @grpc/grpc-js.
 */
export {
  type GrpcDescriptors,
  descriptorsFromFiles,
  descriptorsFromFileDescriptorSet,
  descriptorsFromRoot,
  fileDescriptorSetOf,
  packageDefinitionOf,
} from './descriptors.js';
export { GrpcSchemaError, GrpcSymbolError } from './errors.js';
export { loadProtoFiles, loadProtoset, type ProtoFileOptions } from './proto-files.js';
export { findMethod, findService, fullName, listMethods, listServices, lookup, type MethodKind, methodKind } from './schema.js';
export { type ConnectionOptions, channelCredentials, channelOptions, openClient, type TlsOptions } from './connection.js';
export { ReflectionClient, ReflectionError, type ReflectionOptions } from './reflection.js';
export { describeSymbol, methodText } from './describe.js';
export { type ConnectionProblem, connectionProblem, connectionProblemText } from './connection-problems.js';
export { decodeStatusDetails, type DecodedStatusDetails, formatStatus, googleRpcRoot, STATUS_CODES, statusMeaning, statusName } from './status.js';
export { GrpcJsonCodec, type JsonOutputOptions } from './json.js';
export { GrpcJsonError } from './json-errors.js';
export { GrpcCall, type GrpcCallEvents, type GrpcCallOptions, type GrpcCallResult, methodPath } from './call.js';
