/**
 * `--inspect [PORT]` for a mode, and `wscope inspect`: the inspector served for as long as the
 * mode runs, its URL printed (with the token the page needs), the browser opened on --open.
 */
import { spawn } from 'node:child_process';
import { Inspector } from '../inspector/index.js';
import { ExitCode } from './exit-codes.js';
import type { InspectSettings } from './flags.js';

/** Start an inspector or say in one line why not (the port is taken, say): undefined then. */
export async function startInspector(inspector: Inspector, settings: InspectSettings, print: (line: string) => void): Promise<string | undefined> {
  try {
    const url = await inspector.start();
    print(`inspector: ${url}`);
    if (settings.open) openBrowser(url);
    return url;
  } catch (error) {
    process.stderr.write(`error: cannot serve the inspector on port ${settings.port}: ${(error as Error).message}\n`);
    return undefined;
  }
}

export async function withInspector(settings: InspectSettings, title: string, run: () => Promise<ExitCode>): Promise<ExitCode> {
  if (settings.port === undefined) return run();
  const inspector = new Inspector({ live: true, title, port: settings.port });
  if ((await startInspector(inspector, settings, (line) => process.stderr.write(`${line}\n`))) === undefined) return ExitCode.ListenFailed;
  try {
    return await run();
  } finally {
    await inspector.close();
  }
}

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { detached: true, stdio: 'ignore' });
  child.on('error', (error) => process.stderr.write(`warning: could not open a browser (${command}: ${error.message}); open the URL above\n`));
  child.unref();
}
