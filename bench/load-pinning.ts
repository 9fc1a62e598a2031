/**
 * Where the rate bench runs its processes: the echo server on the last CPU, each generator on
 * the others (taskset -c), the same for every generator, so that the server has a core of its
 * own and no generator's figure depends on where the scheduler happened to put it and the server
 * during its window. (It does not take out the other tenants of a shared machine: see the notes
 * in docs/benchmarks.md.) Without taskset or with one CPU, nothing is pinned.
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
