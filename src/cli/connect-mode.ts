/**
 * `wscope connect URL`, in one of three shapes: interactive (a terminal on both ends: line
 * editing, history, `< ` for what arrives), execute (-x: send, wait, close, as wscat does), and
 * pipe (stdin or stdout is not a terminal: records in, messages out).
 */
import { Buffer } from 'node:buffer';
import { ClientSession } from './client-session.js';
import type { CollectionKeyboard } from './collection-keyboard.js';
import type { ConnectSettings } from './commands/connect.js';
import { ExitCode } from './exit-codes.js';
import { type ComposerLink, socketCommandFor } from './inspecting.js';
import type { Output } from './output.js';
import { type LineTarget, runLine } from './run-line.js';
import { looksLikeSlashCommand } from './slash-commands.js';
import { clientOptions } from './socket-options.js';
import { readRecords } from './stdin-records.js';
import { LineEditor } from './terminal/line-editor.js';

export type ConnectShape = 'interactive' | 'execute' | 'pipe';

export function connectShape(settings: Pick<ConnectSettings, 'execute'>, stdinIsTty: boolean, stdoutIsTty: boolean): ConnectShape {
  if (settings.execute.length > 0) return 'execute';
  return stdinIsTty && stdoutIsTty ? 'interactive' : 'pipe';
}

/** `composer`: with --inspect, the page's composer sends on this session's connection. */
export async function runConnect(
  settings: ConnectSettings,
  shape: ConnectShape,
  output: Output,
  passphrase: string | undefined,
  composer?: ComposerLink,
): Promise<ExitCode> {
  const { printer, view } = output;
  const { echo, raw } = settings.interaction;
  const session = new ClientSession(
    { url: settings.url, client: clientOptions(settings, passphrase), reconnect: settings.reconnect, echo, raw },
    printer,
    view,
  );
  let keyboard: CollectionKeyboard | undefined;
  if (settings.collection) {
    // Loaded only with --collection: the YAML reader is no part of a plain session's start-up.
    const [{ CollectionError }, { CollectionKeyboard }] = await Promise.all([import('../collection/index.js'), import('./collection-keyboard.js')]);
    try {
      keyboard = CollectionKeyboard.open(settings.collection, printer, (command) => session.submit(command));
    } catch (error) {
      if (!(error instanceof CollectionError)) throw error;
      printer.error(error.message);
      return ExitCode.BadFile;
    }
  }
  composer?.serve((_to, message) => {
    // Not queued as typed lines are: the page is told now that nothing went out.
    if (!session.isOpen) throw new Error('not connected: nothing sent');
    session.submit(socketCommandFor(message));
  });
  // /send NAME is the point of a collection: its slash commands are on without --slash.
  const slash = settings.interaction.slash || keyboard !== undefined;
  const target: LineTarget = {
    send: (command) => {
      keyboard?.sent(command);
      session.submit(command);
    },
    quit: () => session.close(1000),
    ...(keyboard && { collection: keyboard }),
  };
  const stopOnSignals = () => {
    let signalled = false;
    const stop = () => {
      // A second Ctrl-C does not wait for the closing handshake.
      if (signalled) process.exit(130);
      signalled = true;
      session.close(1000);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  };
  switch (shape) {
    case 'interactive': {
      let ending = false;
      let hinted = slash;
      const editor = new LineEditor(printer, {
        line: (line) => {
          runLine(line, slash, target, printer);
          if (hinted || !looksLikeSlashCommand(line)) return;
          hinted = true;
          printer.warn(`'${line}' was sent as a text message: slash commands are off in connect mode (start with --slash)`);
        },
        end: () => {
          // A second Ctrl-C does not wait for the closing handshake (as in pipe mode).
          if (ending) process.exit(130);
          ending = true;
          session.close(1000);
        },
      });
      session.start();
      const code = await session.finished;
      editor.close();
      return code;
    }
    case 'execute':
      stopOnSignals();
      session.onOpen = (_socket, reconnected) => {
        if (reconnected) return;
        for (const command of settings.execute) runLine(command, slash, target, printer);
        const wait = settings.wait ?? 2;
        if (wait !== -1) setTimeout(() => session.close(1000), wait * 1000).unref();
      };
      session.start();
      return session.finished;
    case 'pipe': {
      stopOnSignals();
      let stdinFailed = false;
      session.onOpen = (_socket, reconnected) => {
        if (reconnected) return;
        pipeStdin(settings, slash, session, target, output).catch((error: Error) => {
          // What was read went out; the rest cannot: close cleanly, and say so in the exit code.
          stdinFailed = true;
          printer.error(`cannot read stdin: ${error.message}`);
          session.close(1000);
        });
      };
      session.start();
      const code = await session.finished;
      return stdinFailed ? ExitCode.Internal : code;
    }
  }
}

/** Read stdin only once the connection is open (so no line goes out before it can), then close. */
async function pipeStdin(settings: ConnectSettings, slash: boolean, session: ClientSession, target: LineTarget, { printer }: Output): Promise<void> {
  const { binary, base64, nullSeparated } = settings.output;
  for await (const record of readRecords(process.stdin, nullSeparated ? 0x00 : 0x0a)) {
    if (binary) session.submit({ kind: 'binary', data: record });
    else if (base64) session.submit({ kind: 'binary', data: Buffer.from(record.toString('latin1'), 'base64') });
    else runLine(record.toString('utf8'), slash, target, printer);
    await session.writable();
  }
  const wait = settings.wait ?? 0;
  if (wait === -1) return;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait * 1000).unref());
  session.close(1000);
}
