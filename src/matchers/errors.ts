/** A matcher spec that cannot be compiled (the file is wrong, not the message). */
export class MatcherSpecError extends Error {
  override name = 'MatcherSpecError';
  /** The key of the spec that is wrong (to find its place in the file). */
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}
