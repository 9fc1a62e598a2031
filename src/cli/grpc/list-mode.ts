/** `wscope grpc list [HOST:PORT] [SERVICE]`: the services, or one service's methods, one full name a line (as grpcurl prints them). */
import { findService, fullName, type GrpcDescriptors, GrpcSymbolError, listMethods, listServices } from '../../grpc/index.js';
import { ExitCode } from '../exit-codes.js';

export function listSchema(descriptors: GrpcDescriptors, service: string | undefined, write: (line: string) => void): ExitCode {
  if (service === undefined) {
    for (const found of listServices(descriptors.root)) write(fullName(found));
    return ExitCode.Normal;
  }
  try {
    for (const method of listMethods(findService(descriptors.root, service))) write(fullName(method));
  } catch (error) {
    if (!(error instanceof GrpcSymbolError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return ExitCode.Usage;
  }
  return ExitCode.Normal;
}
