/** A JSON request that does not fit its message type, with the path to the offending value. */
export class GrpcJsonError extends Error {
  override name = 'GrpcJsonError';
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(path === '' ? problem : `${path}: ${problem}`);
  }
}
