/**
 * `--inspect [PORT]` for a mode, and `wscope inspect`: the inspector served for as long as the
 * mode runs, its URL printed (with the token the page needs), the browser opened on --open.
 */
import { spawn } from 'node:child_process';
import type { HandshakeTraceEvent } from '../index.js';
import { Inspector } from '../inspector/index.js';
import { ExitCode } from './exit-codes.js';
import type { InspectSettings } from './flags.js';
import type { RecordingChoice } from './recording.js';

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

/**
 * Serve the inspector while `run` runs. `run` is told which connections to keep out of its
 * recordings: the page's own socket is traced like any other, and is no part of the session.
 */
export async function withInspector(settings: InspectSettings, title: string, run: (recording: RecordingChoice) => Promise<ExitCode>): Promise<ExitCode> {
  if (settings.port === undefined) return run({});
  // Created, and so subscribed to the trace, before any recorder: it has marked its own socket by
  // the time a recorder sees that socket's handshake.
  const inspector = new Inspector({ live: true, title, port: settings.port });
  if ((await startInspector(inspector, settings, (line) => process.stderr.write(`${line}\n`))) === undefined) return ExitCode.ListenFailed;
  const session = (handshake: HandshakeTraceEvent) => !inspector.owns(handshake.conn);
  try {
    return await run({ connections: { har: session, jsonl: session } });
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
