/**
 * A virtual user of a `--scenario` run: it runs the file's scenarios (the scenario room's own
 * runner, step for step, as `wscope run` does) again and again, and each iteration's steps are
 * timed into the run's counts as they end:
 *
 * - a `send` is a request, waiting on its connection;
 * - the next `expect` or `waitFor` on that connection checks its reply: passed, the reply's
 *   latency (from the start of the send to the arrival of the message the step checked) goes
 *   into the latency histogram and the request is matched; failed, it timed out (no message in
 *   time) or is unmatched (a message that did not match, or the connection closed first);
 * - a send no expect checked before the iteration ended is unmatched, and every message received
 *   that answered no send (a greeting, a push, one an expect found wrong) is unsolicited.
 *
 * Requests pair with checks oldest first on each connection, as `--match next` does.
 */
import type { ClientOptions, WebSocket } from '../index.js';
import { runScenario, type ScenarioConnection, type ScenarioFile, type ScenarioSpec, type StepTiming } from '../scenario/index.js';
import { formatPlace, type Variables } from '../templating/index.js';
import { countFailure, type ScenarioTotals, type StepFailureCount } from './scenario-totals.js';
import type { WorkerCounts } from './worker-counts.js';

/** What a user's iterations share with the worker's run. */
export interface ScenarioUserContext {
  file: ScenarioFile;
  specs: readonly ScenarioSpec[];
  counts: WorkerCounts;
  totals: ScenarioTotals;
  /** Aborted when the run gives up on the iterations still running. */
  signal: AbortSignal;
  /** How long an `expect` waits when the file does not say (--reply-timeout). */
  defaultTimeoutMs: number;
  /** Iterations per user; undefined: until `stopping()`. */
  iterations: number | undefined;
  /** The run has ended: start no new iteration. */
  stopping(): boolean;
  /** A `connect` step's socket, opened and counted by the run. */
  openSocket(user: ScenarioUser, url: string, options: ClientOptions): WebSocket;
}

export class ScenarioUser {
  /** The iteration running now, which the messages received on its sockets are counted to. */
  current: Iteration | undefined;
  private iterations = 0;

  constructor(
    /** Its number, from 1 over the whole run ({{conn}}). */
    readonly number: number,
    /** The worker's variables with {{conn}} on top; each scenario run adds its own scope for captures. */
    readonly variables: Variables,
    /** When it starts: ms after the run's start, then (once started) performance.now() ms. */
    public startAt: number,
  ) {}

  async run(context: ScenarioUserContext): Promise<void> {
    while (!context.stopping() && (context.iterations === undefined || this.iterations < context.iterations)) {
      this.iterations++;
      await this.iterate(context);
    }
  }

  private async iterate(context: ScenarioUserContext): Promise<void> {
    const iteration = new Iteration(context.counts, context.signal);
    this.current = iteration;
    let interrupted = false;
    for (const spec of context.specs) {
      const result = await runScenario(context.file, spec, {
        variables: this.variables,
        signal: context.signal,
        defaultTimeoutMs: context.defaultTimeoutMs,
        openSocket: (url, options) => context.openSocket(this, url, options),
        onStepTimed: (timing) => iteration.stepEnded(timing, spec.name),
      });
      if (result.status === 'passed') continue;
      if (iteration.failure === undefined) {
        // Failed with no step to blame: the run's end interrupted it, or background work (`every`) failed.
        if (context.signal.aborted) interrupted = true;
        else
          iteration.failure = {
            scenario: spec.name,
            step: '(background)',
            place: formatPlace(spec.place),
            first: result.failure?.message ?? 'failed',
            firstAt: Date.now(),
          };
      }
      break;
    }
    iteration.end();
    this.current = undefined;
    const counted = context.totals.iterations;
    counted.run++;
    if (iteration.failure) {
      counted.failed++;
      countFailure(context.totals, iteration.failure);
    } else if (interrupted) counted.interrupted++;
    else counted.passed++;
  }
}

/** Messages received on one socket, and how many of them were replies. */
interface SocketTally {
  received: number;
  matched: number;
}

/** One run of the scenarios by one user: its requests awaiting checks, per connection, and its first failure. */
export class Iteration {
  /** The first step that failed (the deepest: a nested step ends before the `repeat` around it). */
  failure: Omit<StepFailureCount, 'count'> | undefined;
  private readonly sockets = new Map<WebSocket, SocketTally>();
  /** Per connection, the start times (performance.now() ms) of the sends no check has taken yet. */
  private readonly waiting = new Map<ScenarioConnection, number[]>();
  /** Per connection, its bytes sent already counted. */
  private readonly bytesCounted = new Map<ScenarioConnection, number>();
  private readonly lost = new Set<ScenarioConnection>();

  constructor(
    private readonly counts: WorkerCounts,
    private readonly signal: AbortSignal,
  ) {}

  /** A socket the iteration opened: its messages are counted to it. */
  track(socket: WebSocket): void {
    this.sockets.set(socket, { received: 0, matched: 0 });
  }

  received(socket: WebSocket): void {
    const tally = this.sockets.get(socket);
    if (tally) tally.received++;
  }

  stepEnded(timing: StepTiming, scenario: string): void {
    const { node, result, connection } = timing;
    if (connection) {
      this.countBytes(connection);
      const kind = node.kind.name;
      if (kind === 'send' && !result.failure) {
        this.queueOf(connection).push(timing.startedAt);
        this.counts.second.sent++;
      } else if (kind === 'expect' || kind === 'waitFor') this.checked(timing, connection);
    }
    if (result.failure && !this.signal.aborted) {
      if (connection?.closeInfo && !this.lost.has(connection)) {
        // The server (or the network) closed it while the scenario still needed it.
        this.lost.add(connection);
        this.counts.lost++;
        this.counts.second.errors++;
      }
      this.failure ??= {
        scenario,
        step: result.label,
        place: formatPlace(node.place),
        first: result.failure.message,
        firstAt: Date.now(),
        ...(result.failure.fileError === true && { fileError: true }),
      };
    }
  }

  /** An `expect` or `waitFor` ended: the reply to the oldest waiting send on its connection, or not. */
  private checked(timing: StepTiming, connection: ScenarioConnection): void {
    const queue = this.waiting.get(connection);
    const sentAt = queue?.[0];
    // No send waiting: what it checked was a push, counted unsolicited at the end.
    if (queue === undefined || sentAt === undefined) return;
    const second = this.counts.second;
    const failure = timing.result.failure;
    if (!failure) {
      const taken = connection.lastTaken;
      // A message that arrived before the send began cannot be its reply.
      if (taken?.kind !== 'message' || taken.at < sentAt) return;
      queue.shift();
      second.latency.recordValue(Math.round((taken.at - sentAt) * 1000));
      second.matched++;
      const tally = this.sockets.get(connection.socket);
      if (tally) tally.matched++;
      return;
    }
    // Interrupted by the run's end: it still waited, so it is unmatched at the end.
    if (this.signal.aborted) return;
    queue.shift();
    // A message came and did not match (expect shows it as `received`), or the connection closed: no reply. Else none came in time.
    if (connection.closeInfo || (timing.node.kind.name === 'expect' && failure.received !== undefined)) this.counts.unmatched++;
    else {
      second.timedOut++;
      second.errors++;
    }
  }

  /** The iteration is over (its connections closed): what is still waiting is unmatched, what answered nothing unsolicited. */
  end(): void {
    for (const connection of this.bytesCounted.keys()) this.countBytes(connection);
    for (const queue of this.waiting.values()) this.counts.unmatched += queue.length;
    const second = this.counts.second;
    for (const tally of this.sockets.values()) second.unsolicited += tally.received - tally.matched;
  }

  private queueOf(connection: ScenarioConnection): number[] {
    let queue = this.waiting.get(connection);
    if (!queue) {
      queue = [];
      this.waiting.set(connection, queue);
    }
    return queue;
  }

  /** Bytes sent on the connection since last counted (`every`'s heartbeats included). */
  private countBytes(connection: ScenarioConnection): void {
    const before = this.bytesCounted.get(connection) ?? 0;
    this.counts.second.bytesSent += connection.bytesSent - before;
    this.bytesCounted.set(connection, connection.bytesSent);
  }
}

/**
 * Where a `connect` goes when the command line names a URL: its scheme, host and port (and any
 * user:password); the step's own path and query are kept unless the URL has a path or query of
 * its own (as `replay --target` does). A step URL that is no URL is left for the step to report.
 */
export function retarget(stepUrl: string, target: string): string {
  const to = new URL(target);
  if (to.pathname !== '/' || to.search !== '') return target;
  let from: URL;
  try {
    from = new URL(stepUrl);
  } catch {
    return stepUrl;
  }
  return new URL(`${from.pathname}${from.search}`, to).href;
}
