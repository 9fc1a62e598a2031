/**
 * A subscription's source stream: `count` events, one every `intervalMs`, then the end. The k-th
 * is due at start + k·interval (not interval after the one before), so a long run does not drift
 * by the timer's lateness. `return()` — a client's `complete`/`stop`, or its connection closing —
 * ends it at once, even between two events: an async generator would only see it at its next
 * `yield`, up to an interval later, holding a timer meanwhile.
 */
export function timedEvents<T>(count: number, intervalMs: number, eventAt: (index: number) => T): AsyncIterableIterator<T> {
  const start = Date.now();
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  let waiting: ((result: IteratorResult<T>) => void) | undefined;
  let ended = false;
  const end = (): IteratorResult<T> => {
    ended = true;
    clearTimeout(timer);
    const waiter = waiting;
    waiting = undefined;
    waiter?.({ done: true, value: undefined });
    return { done: true, value: undefined };
  };
  return {
    next() {
      if (ended || index >= count) return Promise.resolve(end());
      return new Promise((resolve) => {
        waiting = resolve;
        const due = start + (index + 1) * intervalMs;
        timer = setTimeout(
          () => {
            waiting = undefined;
            const value = eventAt(index);
            index += 1;
            resolve({ done: false, value });
          },
          Math.max(0, due - Date.now()),
        );
      });
    },
    return() {
      return Promise.resolve(end());
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
