/**
 * `--inspect [PORT]` for a mode, and `wscope inspect`: the inspector served for as long as the
 * mode runs, its URL printed (with the token the page needs), the browser opened on --open.
 */
import { spawn } from 'node:child_process';
import type { HandshakeTraceEvent } from '../index.js';
import { type Composer, type ComposerMessage, Inspector, isLoopback } from '../inspector/index.js';
import { ExitCode } from './exit-codes.js';
import type { InspectSettings } from './flags.js';
import { leaveOutOfJsonl } from './jsonl-output.js';
import type { RecordingChoice } from './recording.js';
import type { SocketCommand } from './slash-commands.js';

/** Start an inspector or say in one line why not (the port is taken, say): undefined then. */
export async function startInspector(inspector: Inspector, settings: InspectSettings, print: (line: string) => void): Promise<string | undefined> {
  if (!isLoopback(settings.host)) {
    process.stderr.write(
      `warning: the inspector is served on ${settings.host}: anyone who can reach it and has the token in its URL can read this session${inspector.canSend ? ' and send on it' : ''}\n`,
    );
  }
  try {
    const url = await inspector.start();
    print(`inspector: ${url}`);
    if (settings.open) openBrowser(url);
    return url;
  } catch (error) {
    process.stderr.write(`error: cannot serve the inspector on ${settings.host} port ${settings.port}: ${(error as Error).message}\n`);
    return undefined;
  }
}

/** How a mode sends what the inspector's composer asks: throws an Error the page shows when it cannot. */
export type ComposerSend = Composer['send'];

/**
 * Given to a mode that can send (connect, listen): the mode hands over its way of sending once
 * its connection or clients exist. Without --inspect nobody asks, and `serve` does nothing.
 */
export interface ComposerLink {
  serve(send: ComposerSend): void;
}

/**
 * Serve the inspector while `run` runs. `run` is told which connections to keep out of its
 * recordings: the page's own socket is traced like any other, and is no part of the session.
 * With `composer` (a live client or server), the page gets a composer whose commands go to the
 * mode through the link `run` is given.
 */
export async function withInspector(
  settings: InspectSettings,
  title: string,
  run: (recording: RecordingChoice, composer: ComposerLink) => Promise<ExitCode>,
  composer?: { clients: boolean },
): Promise<ExitCode> {
  let send: ComposerSend | undefined;
  const link: ComposerLink = { serve: (given) => (send = given) };
  if (settings.port === undefined) return run({}, link);
  // Created, and so subscribed to the trace, before any recorder: it has marked its own socket by
  // the time a recorder sees that socket's handshake.
  const inspector = new Inspector({
    live: true,
    title,
    port: settings.port,
    host: settings.host,
    ...(composer && {
      composer: {
        clients: composer.clients,
        send: (to: number | 'all' | undefined, message: ComposerMessage) => {
          if (!send) throw new Error('not ready to send yet');
          send(to, message);
        },
      },
    }),
  });
  // --jsonl subscribed to the trace before the inspector existed: it is told here what to leave out.
  const keepInJsonl = leaveOutOfJsonl((conn) => inspector.owns(conn));
  if ((await startInspector(inspector, settings, (line) => process.stderr.write(`${line}\n`))) === undefined) return ExitCode.ListenFailed;
  const session = (handshake: HandshakeTraceEvent) => !inspector.owns(handshake.conn);
  try {
    return await run({ connections: { har: session, jsonl: session } }, link);
  } finally {
    await inspector.close();
    keepInJsonl();
  }
}

/** The composer's message as the command a typed slash command would be. */
export function socketCommandFor(message: ComposerMessage): SocketCommand {
  switch (message.kind) {
    case 'text':
      return { kind: 'message', text: message.data };
    case 'binary':
      return { kind: 'binary', data: message.data };
    case 'ping':
      return { kind: 'ping', data: message.data };
    case 'close':
      return { kind: 'close', code: message.code, reason: message.reason };
  }
}

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { detached: true, stdio: 'ignore' });
  child.on('error', (error) => process.stderr.write(`warning: could not open a browser (${command}: ${error.message}); open the URL above\n`));
  child.unref();
}
