/** A bad flag or argument: one line on stderr, the usage hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE_HINT = "(run 'wscope --help' for usage)";
