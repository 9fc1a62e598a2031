/**
 * The three load generators the load-tester bench compares, each started as a process of its own
 * against the same echo server with the same shape of load:
 * - raw: the bench's lean generator (bench/load/loadgen.ts: hand-built masked frames, echoes
 *   matched by counting bytes), the least work per message a Node process can do;
 * - wscope: the real CLI, `wscope load --match echo`, which matches every reply and times it;
 * - artillery: Artillery's ws engine, each virtual user sending and waiting for the reply
 *   (`send` with `capture`), installed for the bench only (bench/tools.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinnedArgv } from './load-pinning.js';
import type { Tool } from './tools.js';

export interface LoadShape {
  port: number;
  /** The CPUs the generator is kept on (taskset -c), away from the server's: see load-pinning.ts. */
  cpus?: string;
  connections: number;
  inFlight: number;
  size: number;
  /** Long enough to outlast the harness's warm-up and window: it stops the generator itself. */
  seconds: number;
}

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const WSCOPE = join(REPO, 'bin/wscope.js');

/** Start `argv` under a shell that first raises the open-file limit (a child can exceed ours), on `cpus` when given. */
export function spawnWithLimit(
  argv: readonly string[],
  fileLimit: number | undefined,
  options: { stdout?: 'pipe' | 'ignore'; cpus?: string | undefined } = {},
): ChildProcess {
  const quoted = pinnedArgv(argv, options.cpus)
    .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const raise = fileLimit ? `ulimit -n ${fileLimit} && ` : '';
  return spawn('bash', ['-c', `${raise}exec ${quoted}`], { stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'] });
}

export interface GeneratorProcess {
  child: ChildProcess;
  /** Its stderr so far, to show when it fails. */
  errors(): string;
}

export function track(child: ChildProcess): GeneratorProcess {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });
  return { child, errors: () => stderr.trim() };
}

export function startRaw(shape: LoadShape): GeneratorProcess {
  const job = {
    mode: 'echo',
    port: shape.port,
    connections: shape.connections,
    inFlight: shape.inFlight,
    size: shape.size,
    binary: false,
    deflate: false,
    warmupMs: 0,
    durationMs: shape.seconds * 1000,
  };
  return track(
    spawnWithLimit([process.execPath, fileURLToPath(new URL('./load/loadgen.js', import.meta.url)), JSON.stringify(job)], undefined, { cpus: shape.cpus }),
  );
}

export function wscopeLoadArgs(shape: LoadShape, extra: readonly string[] = []): string[] {
  return [
    process.execPath,
    WSCOPE,
    'load',
    `ws://127.0.0.1:${shape.port}/`,
    '--connections',
    String(shape.connections),
    '--in-flight',
    String(shape.inFlight),
    '--size',
    String(shape.size),
    '--match',
    'echo',
    '--duration',
    String(shape.seconds),
    '--quiet',
    ...extra,
  ];
}

export function startWscope(shape: LoadShape, extra: readonly string[] = [], fileLimit?: number): GeneratorProcess {
  return track(spawnWithLimit(wscopeLoadArgs(shape, extra), fileLimit, { cpus: shape.cpus }));
}

/**
 * Artillery cannot keep K messages in flight on one connection: a virtual user sends, waits for
 * the matching reply, and sends again, so K is always 1 (each VU is one connection).
 */
export function startArtillery(tool: Tool, shape: LoadShape): GeneratorProcess {
  const payload = 'x'.repeat(shape.size);
  const script = {
    config: {
      target: `ws://127.0.0.1:${shape.port}/`,
      // All virtual users arrive in the first second, then loop until the harness stops them.
      phases: [{ duration: 1, arrivalCount: shape.connections }],
    },
    scenarios: [
      {
        engine: 'ws',
        flow: [{ loop: [{ send: { payload, capture: { regexp: '.+', as: 'reply' } } }], count: 1_000_000_000 }],
      },
    ],
  };
  const file = join(tmpdir(), `wscope-bench-artillery-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(script));
  return track(spawnWithLimit([process.execPath, tool.bin, 'run', '--quiet', file], undefined, { cpus: shape.cpus }));
}
