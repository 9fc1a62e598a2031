/**
 * Where the rate bench runs its processes: the echo server on the last CPU, each generator on
 * the others (taskset -c), the same for every generator. Left to the scheduler, a generator's
 * threads and the server moved between the cores during a window, and what that cost the kernel
 * moved from run to run (the same build measured 400k to 495k echoes per CPU-second in
 * alternation here); kept apart, the spread shrank. Without taskset or with one CPU, nothing is pinned.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Placement {
  server: string;
  generators: string;
}

export function placement(): Placement | undefined {
  const cpus = availableParallelism();
  if (cpus < 2) return undefined;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { server: String(cpus - 1), generators: cpus === 2 ? '0' : `0-${cpus - 2}` };
}

/** `argv` run on `cpus` (a taskset CPU list), or as it is. */
export function pinnedArgv(argv: readonly string[], cpus: string | undefined): string[] {
  return cpus === undefined ? [...argv] : ['taskset', '-c', cpus, ...argv];
}
