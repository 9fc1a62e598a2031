/** The harness's handle on bench/load-echo-server.ts: started with a raised file limit, asked for its stats over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LeanServerStats } from './load-echo-server.js';

export class LeanEchoServer {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  /** `cpus`: a taskset CPU list to keep the server on (load-pinning.ts). */
  static async start(fileLimit?: number, cpus?: string): Promise<LeanEchoServer> {
    const script = fileURLToPath(new URL('./load-echo-server.js', import.meta.url));
    const raise = fileLimit ? `ulimit -n ${fileLimit} && ` : '';
    const pin = cpus === undefined ? '' : `taskset -c ${cpus} `;
    const child = fork(script, ['0'], {
      execPath: 'bash',
      execArgv: ['-c', `${raise}exec ${pin}"${process.execPath}" "$@"`, 'bash'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    process.on('exit', () => child.kill('SIGKILL'));
    const port = await new Promise<number>((resolve, reject) => {
      child.on('message', (message: { type?: string; port?: number }) => {
        if (message.type === 'ready') resolve(message.port!);
      });
      child.once('exit', (code) => reject(new Error(`the lean echo server exited with code ${code} before it was ready`)));
    });
    return new LeanEchoServer(port, child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  stats(): Promise<LeanServerStats> {
    return new Promise((resolve, reject) => {
      if (!this.child.connected) {
        reject(new Error('the lean echo server is gone'));
        return;
      }
      const onMessage = (message: LeanServerStats): void => {
        if (message.type !== 'stats') return;
        this.child.off('message', onMessage);
        resolve(message);
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'stats' });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
