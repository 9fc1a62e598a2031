import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-V')) {
  process.stdout.write(`${pkg.version}\n`);
} else {
  process.stdout.write('Usage: wscope [options]\n\nThe command line is coming in the next issue; the library is in place.\n');
}
