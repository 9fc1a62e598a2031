/**
 * Scenario tests drive `wscope run` as a user does: a scenario file written to a temp folder, a
 * real peer to run it against (`wscope listen PORT --echo` in its own process, ws, Python
 * websockets), the CLI in a child process, its output and exit code asserted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { CliProcess, freePort, killAll, runCli, type CliResult, tempDir } from '../cli/helpers.js';

export interface EchoPeer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** `wscope listen PORT --echo` (and any more flags), listening. */
export async function startListen(extra: string[] = ['--echo', '-q']): Promise<EchoPeer> {
  const port = await freePort();
  const cli = new CliProcess(['listen', String(port), ...extra]);
  await cli.waitFor('stderr', /listening on port/, 8000);
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    stop: async () => {
      cli.kill();
      await cli.exited;
    },
  };
}

/**
 * The setup most scenario test files share: `wscope listen PORT --echo` started before the file's
 * tests and a ScenarioFolder, both gone after them (with every CLI child still running). `peer`
 * reads the running peer, so the tests use `peer.port` as if they had started it themselves.
 */
export function echoPeerAndFolder(): { peer: Pick<EchoPeer, 'port' | 'url'>; folder: ScenarioFolder } {
  let started: EchoPeer | undefined;
  const folder = new ScenarioFolder();
  before(async () => {
    started = await startListen();
  });
  after(async () => {
    await started?.stop();
    killAll();
    folder.remove();
  });
  const running = (): EchoPeer => {
    if (!started) throw new Error('the echo peer is started in before(): read it inside a test');
    return started;
  };
  return {
    peer: {
      get port() {
        return running().port;
      },
      get url() {
        return running().url;
      },
    },
    folder,
  };
}

/** A folder of scenario files, removed by `remove()`. */
export class ScenarioFolder {
  private readonly dir = tempDir();

  get path(): string {
    return this.dir.path;
  }

  write(name: string, text: string): string {
    const path = join(this.dir.path, name);
    writeFileSync(path, text);
    return path;
  }

  remove(): void {
    this.dir.remove();
  }
}

/** `wscope run ARGS...` to its end. */
export function run(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return runCli(['run', ...args], undefined, { timeoutMs: options.timeoutMs ?? 20_000, ...(options.env && { env: options.env }) });
}
