/**
 * `wscope -c URL`, in one of three shapes: interactive (a terminal on both ends: line editing,
 * history, `< ` for what arrives), execute (-x: send, wait, close, as wscat does), and pipe
 * (stdin or stdout is not a terminal: records in, messages out).
 */
import type { CliOptions } from './args.js';
import { ClientSession } from './client-session.js';
import type { ExitCode } from './exit-codes.js';
import { LineEditor } from './line-editor.js';
import type { MessageView } from './message-view.js';
import type { Printer } from './printer.js';
import { isSocketCommand, parseSlash, SLASH_HELP, type SlashCommand } from './slash-commands.js';
import { clientOptions } from './socket-options.js';
import { readRecords } from './stdin-records.js';

export type ConnectShape = 'interactive' | 'execute' | 'pipe';

export function connectShape(cli: CliOptions, stdinIsTty: boolean, stdoutIsTty: boolean): ConnectShape {
  if (cli.execute.length > 0) return 'execute';
  return stdinIsTty && stdoutIsTty ? 'interactive' : 'pipe';
}

export async function runConnect(cli: CliOptions, shape: ConnectShape, printer: Printer, view: MessageView, passphrase: string | undefined): Promise<ExitCode> {
  const session = new ClientSession(
    { url: cli.url, client: clientOptions(cli, passphrase), reconnect: cli.reconnect, echo: cli.echo, raw: cli.raw },
    printer,
    view,
  );
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
      const editor = new LineEditor(printer, {
        line: (line) => runLine(line, cli.slash, session, printer),
        end: () => session.close(1000),
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
        for (const command of cli.execute) session.submit({ kind: 'message', text: command });
        const wait = cli.wait ?? 2;
        if (wait !== -1) setTimeout(() => session.close(1000), wait * 1000).unref();
      };
      session.start();
      return session.finished;
    case 'pipe':
      stopOnSignals();
      session.onOpen = (_socket, reconnected) => {
        if (!reconnected) void pipeStdin(cli, session, printer);
      };
      session.start();
      return session.finished;
  }
}

/** One typed line: a message, or with slash commands on, maybe a command. */
export function runLine(line: string, slash: boolean, session: ClientSession, printer: Printer): void {
  const command: SlashCommand = slash ? parseSlash(line) : { kind: 'message', text: line };
  if (isSocketCommand(command)) {
    session.submit(command);
    return;
  }
  switch (command.kind) {
    case 'quit':
      session.close(1000);
      return;
    case 'help':
      printer.status(SLASH_HELP.join('\n'));
      return;
    case 'invalid':
      printer.error(command.message);
      return;
    default:
      printer.error(`/${command.kind} works in listen mode only`);
  }
}

/** Read stdin only once the connection is open (so no line goes out before it can), then close. */
async function pipeStdin(cli: CliOptions, session: ClientSession, printer: Printer): Promise<void> {
  for await (const record of readRecords(process.stdin, cli.nullSeparated ? 0x00 : 0x0a)) {
    if (cli.binary) session.submit({ kind: 'binary', data: record });
    else if (cli.base64) session.submit({ kind: 'binary', data: Buffer.from(record.toString('latin1'), 'base64') });
    else runLine(record.toString('utf8'), cli.slash, session, printer);
    await session.writable();
  }
  const wait = cli.wait ?? 0;
  if (wait === -1) return;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait * 1000).unref());
  session.close(1000);
}
