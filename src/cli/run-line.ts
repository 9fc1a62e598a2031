/**
 * One typed (or piped) line, in either mode: a message, or with slash commands on, maybe a
 * command. Connect mode's target is its one connection; listen mode's adds the client commands.
 */
import { type CollectionCommand, isSocketCommand, parseSlash, SLASH_HELP, type SlashCommand, type SocketCommand } from './slash-commands.js';
import type { Printer } from './terminal/printer.js';

export interface ClientCommands {
  /** `/to ID LINE`: run LINE for one client. */
  to(id: number, line: string): void;
  /** `/clients` */
  list(): void;
  /** `/headers ID` */
  headers(id: number): void;
}

export interface LineTarget {
  send(command: SocketCommand): void;
  quit(): void;
  /** Listen mode only. */
  clients?: ClientCommands;
  /** Connect mode with --collection only. */
  collection?: { run(command: CollectionCommand): void };
}

export function runLine(line: string, slash: boolean, target: LineTarget, printer: Printer): void {
  const command: SlashCommand = slash ? parseSlash(line) : { kind: 'message', text: line };
  if (isSocketCommand(command)) {
    target.send(command);
    return;
  }
  switch (command.kind) {
    case 'quit':
      target.quit();
      return;
    case 'help':
      printer.status(SLASH_HELP.join('\n'));
      return;
    case 'invalid':
      printer.error(command.message);
      return;
    case 'collection':
      if (target.collection) target.collection.run(command);
      else printer.error(`/${command.action} needs a collection: wscope connect URL --collection FILE`);
      return;
    case 'to':
    case 'clients':
    case 'headers': {
      const clients = target.clients;
      if (!clients) printer.error(`/${command.kind} works in listen mode only`);
      else if (command.kind === 'to') clients.to(command.id, command.line);
      else if (command.kind === 'headers') clients.headers(command.id);
      else clients.list();
      return;
    }
  }
}
