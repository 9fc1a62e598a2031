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
