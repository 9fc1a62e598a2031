/**
 * One virtual user: a connection, what it sends, and the ids of its requests awaiting replies,
 * oldest first. It holds state only; the worker run (worker-run.ts) decides when it connects,
 * sends and closes, so the rules live in one place.
 */
import type { WebSocket } from '../index.js';
import type { Scheduled } from './due-heap.js';
import type { MessageSource } from './payload.js';

export type UserState = 'waiting' | 'connecting' | 'open' | 'closed';

export class VirtualUser implements Scheduled {
  due = 0;
  heapIndex = -1;
  state: UserState = 'waiting';
  socket: WebSocket | undefined;
  /** The ids of its requests (PendingTable), in send order, from `head` on; some may be resolved already. */
  readonly queue: number[] = [];
  head = 0;
  /** Requests awaiting a reply. */
  inFlight = 0;
  sent = 0;
  /** `send()` said the socket is over its high-water mark: wait for 'drain' before sending on schedule. */
  blocked = false;
  /** The run closed it (the end, or its --messages are done): its close is no error. */
  closingByRun = false;
  /** When connecting started, performance.now() ms. */
  connectStartedAt = 0;

  constructor(
    /** Its number, from 1 over the whole run ({{conn}}): connection n of every worker together. */
    readonly number: number,
    readonly source: MessageSource,
    /** When it is to connect: ms after the run's start, then (once started) performance.now() ms. */
    public connectAt: number,
  ) {}

  /** Drop resolved ids from the front, so the queue holds little more than what is in flight. */
  trim(table: { isWaiting(id: number): boolean }): void {
    const queue = this.queue;
    let head = this.head;
    while (head < queue.length && !table.isWaiting(queue[head]!)) head++;
    if (head === queue.length) {
      // All resolved (after every reply at 1 in flight): pop() keeps the array's room for the next
      // request, where length = 0 is a call into the runtime that drops it.
      if (head <= 16) while (queue.length > 0) queue.pop();
      else queue.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    this.head = head;
  }
}
