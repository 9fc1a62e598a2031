/**
 * CPU time and memory of a load generator read from /proc, from outside the process: the same
 * measure for our raw generator, `wscope load` and Artillery, whatever each reports of itself,
 * and including every thread and child process a generator starts.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcStat {
  ppid: number;
  /** utime + stime of the process (all its threads), in seconds. */
  cpu: number;
}

function stat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may contain spaces: fields are counted after its end.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After the name: state(3) ppid(4) ... utime(14) stime(15), so index = field number - 3.
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** The pid and all its live descendants. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry);
    if (!Number.isInteger(child)) continue;
    const parent = stat(child)?.ppid;
    if (parent === undefined) continue;
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop()!;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** CPU seconds used so far by the pid and its live descendants (10 ms resolution). */
export function treeCpuSeconds(pid: number): number {
  let total = 0;
  for (const member of processTree(pid)) total += stat(member)?.cpu ?? 0;
  return total;
}

/** Resident set size of the pid and its live descendants, in bytes. */
export function treeRssBytes(pid: number): number {
  let total = 0;
  for (const member of processTree(pid)) {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${member}/status`, 'utf8'));
      total += match ? Number(match[1]) * 1024 : 0;
    } catch {
      // Gone between the listing and the read.
    }
  }
  return total;
}

export interface RssSamples {
  median: number;
  min: number;
  max: number;
  count: number;
}

/**
 * The tree's RSS sampled every `everyMs` for `windowMs`. One reading lands anywhere on the V8
 * heap's sawtooth (garbage piles up in the old space until a mark-compact: ±30 MB at 8000
 * connections sending one message a second each), so a figure per connection from one reading
 * moved by kilobytes from run to run; the median over several collections does not.
 */
export async function sampleRss(pid: number, windowMs: number, everyMs = 500): Promise<RssSamples> {
  const samples: number[] = [];
  for (const end = performance.now() + windowMs; performance.now() < end; ) {
    samples.push(treeRssBytes(pid));
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  const sorted = samples.sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)!, count: sorted.length };
}
