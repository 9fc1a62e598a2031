/**
 * One worker's share of a `--scenario` run: its virtual users started on the run's schedule
 * (--ramp, --connect-rate), each running the scenarios again and again (scenario-user.ts), every
 * connection their `connect` steps open counted as a load run counts connections, every second
 * counted and posted in the same shape as a message run's (worker-run.ts), so the coordinator,
 * the live view, the summary, the thresholds and the result are the same.
 *
 * At the end of --duration (or on Ctrl-C) no iteration starts; those running get --reply-timeout
 * to finish, then are interrupted.
 */
import type { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { type ClientOptions, WebSocket } from '../index.js';
import { environmentOf, loadScenarioFile, type ScenarioFile, type ScenarioSpec } from '../scenario/index.js';
import { Variables } from '../templating/index.js';
import type { LoadOptions, LoadScenario } from './options.js';
import { emptyScenarioTotals, type ScenarioTotals } from './scenario-totals.js';
import { retarget, ScenarioUser, type ScenarioUserContext } from './scenario-user.js';
import { bump, SecondClock, WorkerCounts } from './worker-counts.js';
import type { FromWorker, WorkerSetup } from './worker-messages.js';
import { clientOptionsOf } from './worker-run.js';

export class ScenarioWorkerRun {
  private readonly options: LoadOptions;
  private readonly scenario: LoadScenario;
  private readonly counts = new WorkerCounts();
  private readonly seconds: SecondClock;
  private readonly users: ScenarioUser[] = [];
  private readonly file: ScenarioFile;
  private readonly specs: ScenarioSpec[];
  private readonly totals: ScenarioTotals;
  /** One options object per source address, made once. */
  private readonly clientOptions: ClientOptions[];
  private readonly interruption = new AbortController();
  private readonly connecting = new Set<WebSocket>();
  private readonly context: ScenarioUserContext;
  private liveSockets = 0;
  private runningUsers = 0;
  private nextToStart = 0;
  private startPerf = 0;
  private stopping = false;
  private finished = false;
  private measuredUntil = 0;
  private startTimer: NodeJS.Timeout | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    setup: WorkerSetup,
    private readonly post: (message: FromWorker) => void,
  ) {
    this.seconds = new SecondClock(this.counts, post);
    const options = setup.options;
    this.options = options;
    this.scenario = options.scenario!;
    // The coordinator read and checked the file already; each worker reads its own (steps hold functions: they do not cross threads).
    this.file = loadScenarioFile(this.scenario.file);
    const grep = this.scenario.grep === undefined ? undefined : new RegExp(this.scenario.grep);
    this.specs = this.file.scenarios.filter((spec) => !grep || grep.test(spec.name));
    this.totals = emptyScenarioTotals(
      this.scenario.file,
      this.specs.map((spec) => spec.name),
      this.scenario.iterations ?? null,
    );
    const base = clientOptionsOf(options);
    this.clientOptions = options.localAddresses.length === 0 ? [base] : options.localAddresses.map((localAddress) => ({ ...base, localAddress }));
    const root = Variables.create({ environment: environmentOf(this.file, this.scenario.envName), overrides: options.vars });
    const spacing = Math.max(options.rampMs / options.connections, options.connectRate > 0 ? 1000 / options.connectRate : 0);
    for (let index = setup.index; index < options.connections; index += setup.count) {
      this.users.push(new ScenarioUser(index + 1, root.with({ conn: index + 1 }), index * spacing));
    }
    this.context = {
      file: this.file,
      specs: this.specs,
      counts: this.counts,
      totals: this.totals,
      signal: this.interruption.signal,
      defaultTimeoutMs: options.replyTimeoutMs,
      iterations: this.scenario.iterations,
      stopping: () => this.stopping,
      openSocket: (user, url, stepOptions) => this.openSocket(user, url, stepOptions),
    };
  }

  /** Begin at `startedAt` (ms since the epoch), the instant every worker was given. */
  start(startedAt: number): void {
    this.startPerf = performance.now() + (startedAt - Date.now());
    for (const user of this.users) user.startAt += this.startPerf;
    this.armStarts();
    this.seconds.start(this.startPerf);
    if (this.options.durationMs !== undefined) this.stopTimer = setTimeout(() => this.stop(), this.startPerf + this.options.durationMs - performance.now());
    if (this.users.length === 0) this.stop();
  }

  /** Start no more iterations (the end of --duration, or Ctrl-C); interrupt those still running after --reply-timeout. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.measuredUntil = Date.now();
    clearTimeout(this.stopTimer);
    clearTimeout(this.startTimer);
    this.graceTimer = setTimeout(() => this.interrupt(), this.options.replyTimeoutMs);
    this.checkFinished();
  }

  private interrupt(): void {
    this.interruption.abort(new Error('the load run ended'));
    for (const socket of this.connecting) socket.close();
  }

  private armStarts(): void {
    const next = this.users[this.nextToStart];
    if (!next || this.stopping) return;
    this.startTimer = setTimeout(() => this.startDue(), Math.max(0, next.startAt - performance.now()));
  }

  private startDue(): void {
    const now = performance.now();
    while (this.nextToStart < this.users.length && this.users[this.nextToStart]!.startAt <= now) {
      const user = this.users[this.nextToStart++]!;
      this.runningUsers++;
      void user.run(this.context).then(() => {
        this.runningUsers--;
        this.checkFinished();
      });
    }
    this.armStarts();
  }

  /** A `connect` step's socket: the run's own options (source address, TLS, -H...) under the step's, to the target, counted. */
  private openSocket(user: ScenarioUser, url: string, stepOptions: ClientOptions): WebSocket {
    const base = this.clientOptions[(user.number - 1) % this.clientOptions.length]!;
    const target = this.scenario.target === undefined ? url : retarget(url, this.scenario.target);
    const socket = new WebSocket(target, {
      ...base,
      ...stepOptions,
      headers: [...headerEntries(base.headers), ...headerEntries(stepOptions.headers)],
    });
    const counts = this.counts;
    const connectStarted = performance.now();
    counts.attempted++;
    this.liveSockets++;
    this.connecting.add(socket);
    user.current?.track(socket);
    const iteration = user.current;
    socket.once('open', () => {
      this.connecting.delete(socket);
      counts.open++;
      counts.second.opened++;
      counts.connectTime.recordValue(Math.round((performance.now() - connectStarted) * 1000));
    });
    socket.on('message', (data: Buffer) => {
      const second = counts.second;
      second.received++;
      second.bytesReceived += data.length;
      iteration?.received(socket);
    });
    socket.once('close', (code: number) => {
      this.liveSockets--;
      if (this.connecting.delete(socket)) this.counts.connectFailed(socket.connectError, this.stopping);
      else {
        counts.open--;
        counts.second.closed++;
        bump(counts.second.closeCodes, code);
      }
      this.checkFinished();
    });
    return socket;
  }

  /** The end: every user has started (or never will), finished its iterations, and every socket has closed. */
  private checkFinished(): void {
    if (this.finished) return;
    const allStarted = this.stopping || this.nextToStart === this.users.length;
    if (!allStarted || this.runningUsers > 0 || this.liveSockets > 0) return;
    if (!this.stopping) {
      // --iterations: every user is done; the run measured until now.
      this.stopping = true;
      this.measuredUntil = Date.now();
    }
    this.finished = true;
    clearTimeout(this.stopTimer);
    clearTimeout(this.startTimer);
    clearTimeout(this.graceTimer);
    this.seconds.stop();
    this.post({ ...this.counts.done(this.measuredUntil), scenario: this.totals });
  }
}

function headerEntries(headers: ClientOptions['headers']): Array<[string, string]> {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) return headers;
  return Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((one): [string, string] => [name, one]));
}
