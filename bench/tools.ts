/**
 * Tools the benchmarks compare against but the package never depends on: installed on demand
 * with `npm install --prefix bench/.tools` (a git-ignored folder), once, and reused after.
 *
 *   node dist/bench/tools.js artillery     # install (or find) Artillery and print its bin
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder the tools live in: bench/.tools at the repository root (not under dist/). */
export const TOOLS_DIR = fileURLToPath(new URL('../../bench/.tools', import.meta.url));

export interface Tool {
  name: string;
  version: string;
  /** The script to run with node. */
  bin: string;
}

/** Artillery 2 (its ws engine ships with it). Pinned to a major so a run's numbers stay comparable. */
const ARTILLERY = { spec: 'artillery@2', bin: 'node_modules/artillery/bin/run' };

function installed(name: string, bin: string): Tool | undefined {
  const packageJson = `${TOOLS_DIR}/node_modules/${name}/package.json`;
  if (!existsSync(packageJson) || !existsSync(`${TOOLS_DIR}/${bin}`)) return undefined;
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  return { name, version, bin: `${TOOLS_DIR}/${bin}` };
}

/**
 * Artillery, installed if missing. Resolves to the reason instead when it cannot be had (no
 * registry, a failed install), so the bench can say so and go on.
 */
export async function artillery(log: (line: string) => void): Promise<Tool | { missing: string }> {
  const found = installed('artillery', ARTILLERY.bin);
  if (found) return found;
  mkdirSync(TOOLS_DIR, { recursive: true });
  log(`installing ${ARTILLERY.spec} into ${TOOLS_DIR} (for the bench only; once)...`);
  const error = await new Promise<string | undefined>((resolve) => {
    execFile(
      'npm',
      // No install scripts: Artillery's Playwright engine would download a browser, which the
      // ws engine never uses (and which this machine cannot fetch).
      ['install', '--prefix', TOOLS_DIR, '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', '--loglevel=error', ARTILLERY.spec],
      { timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } },
      (failure, _stdout, stderr) => resolve(failure ? (stderr.trim().split('\n').pop() ?? failure.message) : undefined),
    );
  });
  if (error) return { missing: `npm install ${ARTILLERY.spec} failed: ${error}` };
  return installed('artillery', ARTILLERY.bin) ?? { missing: `npm install ${ARTILLERY.spec} left no ${ARTILLERY.bin}` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tool = await artillery((line) => console.error(line));
  if ('missing' in tool) {
    console.error(tool.missing);
    process.exit(1);
  }
  console.log(`${tool.name} ${tool.version}: ${tool.bin}`);
}
