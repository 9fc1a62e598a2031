/**
 * Run a gRPC command's work with the room's errors reported. The reporter (and with it
 * @grpc/grpc-js and protobufjs) is loaded only when a gRPC command runs: imported eagerly, it
 * would add most of a second to every other command's start-up.
 */
import type { ExitCode } from '../exit-codes.js';

export async function withGrpcErrors(target: string | undefined, work: () => Promise<ExitCode>): Promise<ExitCode> {
  const { reportingGrpcErrors } = await import('./schema-source.js');
  return reportingGrpcErrors(target, work);
}
