/** `grpc serve`: a mock gRPC server answering every method of a set of protos, from fixtures or generated messages. */
export { GrpcMockServer, type GrpcMockOptions } from './mock-server.js';
export type { GrpcMockCallReport } from './mock-call.js';
export { loadFixtures, GrpcMocksFileError, type Fixtures, type FixtureRule, type FixtureStatus } from './load-fixtures.js';
export { methodsOf, methodOf, type MockMethod } from './methods.js';
export { generateMessage } from './generate.js';
export { GENERATED_STREAM_LENGTH } from './answer.js';
