/**
 * One worker's share of a load run: its connections opened on the run's schedule, messages sent
 * on a rate (open loop) or as replies come (closed loop), each reply matched to its request and
 * timed, requests timed out, every second counted and posted.
 *
 * The hot path allocates little: a request is an id in a typed-array table (pending.ts), the
 * listeners are shared functions that find their user on the socket (no closures per
 * connection), a message without a template is one Buffer sent again and again, and there are
 * four timers per worker (connects, sends, timeouts, seconds), never one per message.
 */
import type { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import type { ClientOptions } from '../index.js';
import { LoadSocket } from './load-socket.js';
import { asBuffer } from '../protocol/message-assembler.js';
import { Variables } from '../templating/index.js';
import { DueHeap } from './due-heap.js';
import type { LoadOptions } from './options.js';
import { jsonKey, MessageSource } from './payload.js';
import { PendingTable } from './pending.js';
import { VirtualUser } from './virtual-user.js';
import { bump, SecondClock, WorkerCounts } from './worker-counts.js';
import type { FromWorker, WorkerSetup } from './worker-messages.js';

/** A request's key: the payload sent (echo), the JSON value's text (json), nothing (next). */
type Key = Buffer | string | null;

/** How long a closing connection may take before it is cut: the run's end waits for it. */
const CLOSE_TIMEOUT_MS = 2000;

/** The longest the thread opens connections before it lets the sends, replies and timers due run. */
const OPEN_SLICE_MS = 5;
/** The same for the open loop's sends: a backlog of them (after a stall) must not hold the connects, replies and seconds. */
const SEND_SLICE_MS = 5;

type UserSocket = LoadSocket<VirtualUser> & { run: WorkerRun };

/**
 * The match rule's kind as a number: the options came through `postMessage`, whose strings are
 * not interned, so every `kind === 'echo'` was a comparison of characters (twice per message).
 */
const ECHO = 0;
const JSON_FIELD = 1;
const NEXT = 2;
const MATCH_KINDS = { echo: ECHO, json: JSON_FIELD, next: NEXT } as const;

const TEXT = { binary: false } as const;
const BINARY = { binary: true } as const;

export class WorkerRun {
  private readonly options: LoadOptions;
  private readonly users: VirtualUser[] = [];
  private readonly counts = new WorkerCounts();
  private readonly seconds: SecondClock;
  private readonly table = new PendingTable<VirtualUser, Key>();
  private readonly heap = new DueHeap<VirtualUser>();
  /** One options object per source address, made once. */
  private readonly clientOptions: ClientOptions[];
  private readonly sendOptions: typeof TEXT | typeof BINARY;
  private readonly matchKind: number;
  /** The path of `--match json:PATH`, as steps (empty otherwise). */
  private readonly jsonSteps: Array<string | number>;
  private readonly intervalMs: number;
  private readonly cap: number;
  /** performance.now() of the run's start in this thread. */
  private startPerf = 0;
  private nextToOpen = 0;
  private closedUsers = 0;
  private stopping = false;
  private closingAll = false;
  private finished = false;
  private measuredUntil = 0;
  /** When the last request was resolved, performance.now() ms (0: none yet): --messages runs are measured until then. */
  private lastResolvedAt = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private sendTimer: NodeJS.Timeout | undefined;
  private sendWakeAt = Number.POSITIVE_INFINITY;
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  /** Users whose requests timed out in a sweep, refilled after it (not while the table is walked). */
  private readonly expiredUsers: VirtualUser[] = [];

  constructor(
    setup: WorkerSetup,
    private readonly post: (message: FromWorker) => void,
  ) {
    this.seconds = new SecondClock(this.counts, post);
    const options = setup.options;
    this.options = options;
    this.intervalMs = options.ratePerConnection > 0 ? 1000 / options.ratePerConnection : 0;
    this.cap = options.inFlight;
    this.sendOptions = options.message.binary ? BINARY : TEXT;
    const match = options.match;
    this.matchKind = MATCH_KINDS[match.kind];
    this.jsonSteps = match.kind === 'json' ? match.steps : [];
    const base = clientOptionsOf(options);
    this.clientOptions = options.localAddresses.length === 0 ? [base] : options.localAddresses.map((localAddress) => ({ ...base, localAddress }));
    const root = Variables.create({ overrides: options.vars });
    const spacing = Math.max(options.rampMs / options.connections, options.connectRate > 0 ? 1000 / options.connectRate : 0);
    // One source for all when the message has no template: a source per connection is ~100 B each.
    const shared = MessageSource.shared(options.message, root);
    for (let index = setup.index; index < options.connections; index += setup.count) {
      this.users.push(new VirtualUser(index + 1, shared ?? new MessageSource(options.message, index + 1, root), index * spacing));
    }
  }

  /** Begin at `startedAt` (ms since the epoch), the instant every worker was given. */
  start(startedAt: number): void {
    this.startPerf = performance.now() + (startedAt - Date.now());
    for (const user of this.users) user.connectAt += this.startPerf;
    this.armConnects();
    this.seconds.start(this.startPerf);
    const sweepMs = Math.max(10, Math.min(100, this.options.replyTimeoutMs / 10));
    this.sweepTimer = setInterval(() => this.sweep(), sweepMs);
    if (this.options.durationMs !== undefined) this.stopTimer = setTimeout(() => this.stop(), this.startPerf + this.options.durationMs - performance.now());
    if (this.users.length === 0) this.stop();
  }

  /** Stop sending (the end of --duration, or Ctrl-C): let the replies in flight come, then close. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.measuredUntil = Date.now();
    clearTimeout(this.stopTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.sendTimer);
    this.heap.clear();
    for (const user of this.users) if (user.state === 'connecting') user.socket!.close();
    this.afterResolve();
  }

  // --- connecting ------------------------------------------------------------------------

  private armConnects(): void {
    const next = this.users[this.nextToOpen];
    if (!next || this.stopping) return;
    this.connectTimer = setTimeout(() => this.openDue(), Math.max(0, next.connectAt - performance.now()));
  }

  /**
   * Open the connections that are due, but for at most OPEN_SLICE_MS at a time: a connect costs
   * the thread up to milliseconds (binding a source address searches the kernel's port table,
   * slower the more are bound), so a late wake that opened its whole backlog at once held the
   * thread for seconds, and the sends due meanwhile (charged from their due time), the
   * per-second counts and the end of the run all waited, each wake later and its backlog longer.
   */
  private openDue(): void {
    const now = performance.now();
    const until = now + OPEN_SLICE_MS;
    while (this.nextToOpen < this.users.length && this.users[this.nextToOpen]!.connectAt <= now) {
      this.open(this.users[this.nextToOpen++]!);
      if (performance.now() >= until) break;
    }
    this.armConnects();
  }

  private open(user: VirtualUser): void {
    user.state = 'connecting';
    user.connectStartedAt = performance.now();
    this.counts.attempted++;
    const options = this.clientOptions[(user.number - 1) % this.clientOptions.length]!;
    const socket = new LoadSocket(this.options.url, options, user, this);
    user.socket = socket;
    socket.on('open', onOpen);
    socket.on('close', onClose);
    socket.on('drain', onDrain);
  }

  opened(user: VirtualUser): void {
    const now = performance.now();
    user.state = 'open';
    this.counts.open++;
    this.counts.second.opened++;
    this.counts.connectTime.recordValue(Math.round((now - user.connectStartedAt) * 1000));
    if (this.stopping) {
      this.finishUser(user);
      return;
    }
    if (this.intervalMs > 0) {
      // Spread the connections' sends over the interval, so a thousand connections opened at once do not send in bursts.
      user.due = now + ((user.number - 1) / this.options.connections) * this.intervalMs;
      this.heap.push(user);
      this.armSends();
    } else {
      this.fill(user, now);
    }
  }

  // --- sending ---------------------------------------------------------------------------

  /** May `user` send another message at all (not: right now)? */
  private sending(user: VirtualUser): boolean {
    return !this.stopping && user.state === 'open' && !user.closingByRun && (this.options.messages === undefined || user.sent < this.options.messages);
  }

  /** Closed loop: keep `cap` requests in flight. */
  private fill(user: VirtualUser, now: number): void {
    while (user.inFlight < this.cap && this.sending(user)) this.send(user, now, now);
  }

  private send(user: VirtualUser, intended: number, now: number): void {
    const payload = user.source.next();
    const kind = this.matchKind;
    const key: Key = kind === ECHO ? payload : kind === JSON_FIELD ? (jsonKey(payload, this.jsonSteps) ?? null) : null;
    user.queue.push(this.table.add(user, key, intended, now));
    user.inFlight++;
    user.sent++;
    const second = this.counts.second;
    second.sent++;
    second.bytesSent += payload.length;
    if (!user.socket!.send(payload, this.sendOptions)) user.blocked = true;
  }

  /** Open loop: wake when the earliest message is due. */
  private armSends(): void {
    const top = this.heap.peek();
    if (!top) return;
    if (this.sendTimer !== undefined && this.sendWakeAt <= top.due) return;
    clearTimeout(this.sendTimer);
    this.sendWakeAt = top.due;
    this.sendTimer = setTimeout(() => this.sendDue(), Math.max(0, top.due - performance.now()));
  }

  /** Send every message that is due, each stamped with the time it was due (coordinated omission). */
  private sendDue(): void {
    this.sendTimer = undefined;
    this.sendWakeAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const until = now + SEND_SLICE_MS;
    const heap = this.heap;
    let sent = 0;
    for (let user = heap.peek(); user !== undefined && user.due <= now; user = heap.peek()) {
      if (!this.sending(user) || user.blocked || user.inFlight >= this.cap) {
        // Parked: a reply, a 'drain' or the end brings it back (or not).
        heap.remove(user);
        continue;
      }
      this.send(user, user.due, now);
      user.due += this.intervalMs;
      heap.topChanged();
      // The rest of a backlog waits for the next turn (armSends: at once), after what else is due.
      // The clock is read every 32 sends: 32 sends take far less than the slice.
      if ((++sent & 31) === 0 && performance.now() >= until) break;
    }
    this.armSends();
  }

  /** A parked user may send again: back on the schedule, its missed messages due at once. */
  private unpark(user: VirtualUser): void {
    if (user.heapIndex !== -1 || !this.sending(user) || user.blocked || user.inFlight >= this.cap) return;
    this.heap.push(user);
    if (user.due <= performance.now()) this.sendDue();
    else this.armSends();
  }

  drained(user: VirtualUser): void {
    user.blocked = false;
    if (this.intervalMs > 0) this.unpark(user);
  }

  // --- replies -----------------------------------------------------------------------------

  /** A message for `user`, arrived at `now` (the read that brought it: load-socket.ts). */
  received(user: VirtualUser, data: Buffer, now: number): void {
    this.receivedRange(user, data, 0, data.length, now);
  }

  /** The same for a message that is `bytes[start..end)` (the core's sink: load-socket.ts), valid only during the call. */
  receivedRange(user: VirtualUser, bytes: Uint8Array, start: number, end: number, now: number): void {
    const second = this.counts.second;
    second.received++;
    second.bytesReceived += end - start;
    const id = this.find(user, bytes, start, end);
    if (id < 0) {
      second.unsolicited++;
      return;
    }
    const table = this.table;
    second.latency.recordValue(Math.round((now - table.intendedOf(id)) * 1000));
    // In closed loop a request is due when it is sent: its service time is its latency, recorded once (run.ts copies it).
    if (this.intervalMs > 0) this.counts.serviceTime.recordValue(Math.round((now - table.actualOf(id)) * 1000));
    table.resolve(id);
    second.matched++;
    user.inFlight--;
    user.trim(table);
    this.lastResolvedAt = now;
    this.next(user, now);
  }

  /** After a request of `user` resolved: send the next, close it if it is done, end the run if all are. */
  private next(user: VirtualUser, now: number): void {
    if (this.intervalMs > 0) this.unpark(user);
    else this.fill(user, now);
    if (this.done(user)) this.finishUser(user);
    this.afterResolve();
  }

  /** The request `data` answers: the oldest awaiting one it matches, or -1. */
  private find(user: VirtualUser, bytes: Uint8Array, start: number, end: number): number {
    const table = this.table;
    const queue = user.queue;
    const kind = this.matchKind;
    const key = kind === JSON_FIELD ? jsonKey(asBuffer(bytes).subarray(start, end), this.jsonSteps) : undefined;
    if (kind === JSON_FIELD && key === undefined) return -1;
    for (let i = user.head; i < queue.length; i++) {
      const id = queue[i]!;
      if (!table.isWaiting(id)) continue;
      if (kind === NEXT) return id;
      const sent = table.keyOf(id);
      if (kind === ECHO ? sameBytes(sent as Buffer, bytes, start, end) : sent === key) return id;
    }
    return -1;
  }

  private sweep(): void {
    const now = performance.now();
    const expired = this.expiredUsers;
    const second = this.counts.second;
    this.table.expire(now - this.options.replyTimeoutMs, (user) => {
      user.inFlight--;
      second.timedOut++;
      second.errors++;
      expired.push(user);
    });
    if (expired.length === 0) return;
    this.lastResolvedAt = now;
    for (const user of expired) {
      user.trim(this.table);
      if (user.state === 'open') this.next(user, now);
    }
    expired.length = 0;
  }

  // --- closing -------------------------------------------------------------------------------

  /** --messages: everything sent and every reply in (or timed out). */
  private done(user: VirtualUser): boolean {
    const messages = this.options.messages;
    return messages !== undefined && user.sent >= messages && user.inFlight === 0;
  }

  private finishUser(user: VirtualUser): void {
    if (user.closingByRun || user.state !== 'open') return;
    user.closingByRun = true;
    this.heap.remove(user);
    user.socket!.close(1000);
  }

  /** Stopping and nothing in flight: close every connection. */
  private afterResolve(): void {
    if (!this.stopping || this.closingAll || this.table.count > 0) return;
    this.closingAll = true;
    for (const user of this.users) if (user.state === 'open') this.finishUser(user);
    this.checkFinished();
  }

  closed(user: VirtualUser, code: number): void {
    const counts = this.counts;
    const second = counts.second;
    if (user.state === 'connecting') {
      this.counts.connectFailed(user.socket!.connectError, this.stopping);
    } else {
      counts.open--;
      second.closed++;
      bump(second.closeCodes, code);
      if (!user.closingByRun && !this.closingAll) {
        counts.lost++;
        second.errors++;
      }
      // What it still waited for will not come now.
      const table = this.table;
      for (let i = user.head; i < user.queue.length; i++) {
        const id = user.queue[i]!;
        if (!table.isWaiting(id)) continue;
        table.resolve(id);
        counts.unmatched++;
        this.lastResolvedAt = performance.now();
      }
      user.queue.length = 0;
      user.head = 0;
      user.inFlight = 0;
      this.heap.remove(user);
    }
    user.state = 'closed';
    user.socket = undefined;
    this.closedUsers++;
    this.afterResolve();
    this.checkFinished();
  }

  /** The end: every user that was to connect has, and every connection has closed (or never opened). */
  private checkFinished(): void {
    if (this.finished) return;
    const allAttempted = this.stopping || this.nextToOpen === this.users.length;
    if (!allAttempted || this.closedUsers < this.counts.attempted) return;
    if (!this.stopping) {
      // --messages: every user is done; the run measured until the last reply.
      this.stopping = true;
      this.measuredUntil = Date.now() - (this.lastResolvedAt === 0 ? 0 : performance.now() - this.lastResolvedAt);
    }
    this.finished = true;
    clearTimeout(this.stopTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.sendTimer);
    clearInterval(this.sweepTimer);
    this.seconds.stop();
    this.post(this.counts.done(this.measuredUntil));
  }
}

/**
 * Buffer.equals is a call into C++ (~85 ns here for 32 bytes): a payload of a few words compares
 * faster in a loop, four bytes a turn (~40 ns; one a turn, ~60).
 */
function sameBytes(a: Buffer, bytes: Uint8Array, start: number, end: number): boolean {
  const length = a.length;
  if (length !== end - start) return false;
  if (length > 64) return a.equals(bytes.subarray(start, end));
  let i = 0;
  let j = start;
  for (; i + 4 <= length; i += 4, j += 4) {
    if (a[i] !== bytes[j] || a[i + 1] !== bytes[j + 1] || a[i + 2] !== bytes[j + 2] || a[i + 3] !== bytes[j + 3]) return false;
  }
  for (; i < length; i++, j++) if (a[i] !== bytes[j]) return false;
  return true;
}

/** The public client's options for every connection of the run (the source address is added per address). */
export function clientOptionsOf(options: LoadOptions): ClientOptions {
  const client = options.client;
  return {
    protocols: client.protocols,
    headers: client.headers,
    ...(client.origin !== undefined && { origin: client.origin }),
    ...(client.host !== undefined && { host: client.host }),
    ...(client.auth !== undefined && { auth: client.auth }),
    ...(client.ca !== undefined && { ca: client.ca }),
    ...(client.cert !== undefined && { cert: client.cert }),
    ...(client.key !== undefined && { key: client.key }),
    ...(client.passphrase !== undefined && { passphrase: client.passphrase }),
    rejectUnauthorized: client.rejectUnauthorized,
    perMessageDeflate: client.compression,
    ...(client.maxMessageSize !== undefined && { maxMessageSize: client.maxMessageSize }),
    handshakeTimeout: client.handshakeTimeoutMs,
    closeTimeout: CLOSE_TIMEOUT_MS,
  };
}

// Shared listeners: `this` is the socket, which carries its user and run.
function onOpen(this: UserSocket): void {
  this.run.opened(this.user);
}

function onClose(this: UserSocket, code: number): void {
  this.run.closed(this.user, code);
}

function onDrain(this: UserSocket): void {
  this.run.drained(this.user);
}
