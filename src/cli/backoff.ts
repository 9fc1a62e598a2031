/**
 * Reconnect delays: exponential backoff with jitter, so a fleet of clients cut off at once does
 * not come back in lockstep. Each delay is drawn from [half, all] of the exponential step
 * ("equal jitter"): never zero, never above the cap.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2 };

/** The delay before attempt `attempt` (1 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const step = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(step / 2 + (random() * step) / 2);
}
