/**
 * Child processes of the harness: benchmark servers (kept running across runs, asked for their
 * stats over IPC) and one load generator per run. Every child is killed when the harness exits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ServerStats } from '../servers/control.js';

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => process.exit(130));
}

export function benchPath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/** The soft and hard limits on open files of a shell started from here. */
export function fileLimits(): { soft: number; hard: number } {
  const read = (flag: string): number => {
    const out = execFileSync('sh', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
  };
  return { soft: read('-Sn'), hard: read('-Hn') };
}

/**
 * Cores for the latency scenarios. Left to the scheduler, a round trip costs ~22 µs when server
 * and load generator share a core and ~66 µs across two, whichever library is measured, and the
 * medians flipped from run to run; pinned, each gets a core of its own, the same for ours and ws.
 * Throughput scenarios stay unpinned: both processes are busy and land on separate cores anyway,
 * and a pinned process could not move away from other work on a shared machine.
 */
const PINNING = pinning();

function pinning(): { server: string; load: string } | undefined {
  if (cpus().length < 2) return undefined;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return { server: '0', load: '1' };
  } catch {
    return undefined;
  }
}

export function pinningNote(): string {
  return PINNING
    ? `for the latency scenarios, servers pinned to CPU ${PINNING.server} and load generators to CPU ${PINNING.load} (taskset); others unpinned`
    : 'no CPU pinning (taskset unavailable or one core)';
}

/**
 * Fork a bench script, pinned to its core. With `fileLimit` above the current soft limit, it runs
 * under a shell that raises the limit first (up to the hard limit), keeping the IPC channel.
 */
function forkScript(script: string, args: string[], options: { expose_gc?: boolean; fileLimit?: number; pinned?: 'server' | 'load' }): ChildProcess {
  const execArgv = options.expose_gc ? ['--expose-gc'] : [];
  const limits = options.fileLimit ? fileLimits() : undefined;
  const raise = limits && options.fileLimit! > limits.soft ? `ulimit -n ${Math.min(options.fileLimit!, limits.hard)} && ` : '';
  const pin = PINNING && options.pinned ? `taskset -c ${PINNING[options.pinned]} ` : '';
  let child: ChildProcess;
  if (raise || pin) {
    child = fork(script, args, {
      execPath: 'sh',
      execArgv: ['-c', `${raise}exec ${pin}"${process.execPath}" "$@"`, 'sh', ...execArgv],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
  } else {
    child = fork(script, args, { execArgv, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  }
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

export class ServerProcess {
  private nextId = 1;
  private constructor(
    readonly name: string,
    readonly port: number,
    readonly readyLine: string,
    private readonly child: ChildProcess,
  ) {}

  /** Start `servers/<name>.js` on a free port and wait for its ready message. */
  static async start(script: string, args: string[], fileLimit?: number): Promise<ServerProcess> {
    const child = forkScript(benchPath(`servers/${script}.js`), ['0', ...args], { expose_gc: true, ...(fileLimit !== undefined && { fileLimit }) });
    let readyLine = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      if (!readyLine) readyLine = chunk.toString().split('\n')[0] ?? '';
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.on('message', (message: { type?: string; port?: number }) => {
        if (message.type === 'ready') resolve(message.port!);
      });
      child.once('exit', (code) => reject(new Error(`${script} exited with code ${code} before it was ready`)));
    });
    return new ServerProcess(script, port, readyLine, child);
  }

  /** Move the server (all its threads) to the latency scenarios' core, or back to any core. */
  pin(pinned: boolean): void {
    if (!PINNING || this.child.pid === undefined) return;
    const cpusList = pinned ? PINNING.server : `0-${cpus().length - 1}`;
    execFileSync('taskset', ['-a', '-p', '-c', cpusList, String(this.child.pid)], { stdio: 'ignore' });
  }

  stats(gc = false): Promise<ServerStats> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (message: ServerStats): void => {
        if (message.type !== 'stats' || message.id !== id) return;
        this.child.off('message', onMessage);
        resolve(message);
      };
      this.child.on('message', onMessage);
      if (!this.child.connected) reject(new Error(`${this.name} is gone`));
      else this.child.send({ type: 'stats', id, gc });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

export interface LoadRun<T> {
  result: T;
  /** The server's CPU share over the measuring window (1 = one core), when a server was given. */
  serverCpu: number;
}

/**
 * Run one load-generator job to completion. When the generator opens and closes its
 * measuring window, the server's CPU time is read, so the two spans match.
 * `onIdleReady` serves the idle mode: called once the connections are open, then they are released.
 */
export function runLoad<T>(
  job: object,
  server: ServerProcess | undefined,
  options: { onIdleReady?: (info: { opened: number }) => Promise<void>; fileLimit?: number; exposeGc?: boolean; pinned?: boolean } = {},
): Promise<LoadRun<T>> {
  const child = forkScript(benchPath('load/loadgen.js'), [JSON.stringify(job)], {
    ...(options.pinned && PINNING && { pinned: 'load' as const }),
    ...(options.fileLimit !== undefined && { fileLimit: options.fileLimit }),
    ...(options.exposeGc && { expose_gc: true }),
  });
  child.stdout!.resume();
  let startStats: Promise<ServerStats> | undefined;
  let endStats: Promise<ServerStats> | undefined;
  return new Promise((resolve, reject) => {
    let settled = false;
    child.on('message', (message: { type: string; result?: T; message?: string; opened?: number }) => {
      switch (message.type) {
        case 'window-start':
          startStats = server?.stats();
          break;
        case 'window-end':
          endStats = server?.stats();
          break;
        case 'idle-ready':
          void options.onIdleReady?.({ opened: message.opened ?? 0 }).then(
            () => child.send({ type: 'release' }),
            (error: unknown) => {
              settled = true;
              reject(error);
              child.kill();
            },
          );
          break;
        case 'result':
          settled = true;
          void Promise.all([startStats, endStats]).then(([a, b]) => {
            const serverCpu = a && b ? (b.cpuUser + b.cpuSystem - a.cpuUser - a.cpuSystem) / 1000 / (b.wallMs - a.wallMs) : Number.NaN;
            resolve({ result: message.result!, serverCpu });
          }, reject);
          break;
        case 'failed':
          settled = true;
          reject(new Error(`load generator: ${message.message}`));
          break;
      }
    });
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with code ${code}`));
    });
  });
}
