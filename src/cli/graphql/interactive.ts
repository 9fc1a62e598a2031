/**
 * `wscope graphql URL` at a terminal without -q: one connection, several operations at once.
 * `/subscribe NAME QUERY` starts one (a line that is not a command runs as an operation too),
 * `/stop ID` stops it (complete / stop), `/operations` lists them; Ctrl-C stops them all and closes.
 */
import { checkQuery, QueryError } from '../../graphql/index.js';
import type { ExitCode } from '../exit-codes.js';
import { LineEditor } from '../terminal/line-editor.js';
import type { Printer } from '../terminal/printer.js';
import { startGraphqlSession } from './graphql-mode.js';
import type { GraphqlSettings } from './settings.js';
import { GRAPHQL_SLASH_HELP } from './slash-help.js';

export type GraphqlLineCommand =
  | { kind: 'subscribe'; name: string | undefined; query: string }
  | { kind: 'stop'; target: string }
  | { kind: 'operations' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'none' }
  | { kind: 'invalid'; message: string };

/** One typed line as a command. */
export function parseGraphqlLine(line: string): GraphqlLineCommand {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'none' };
  if (!trimmed.startsWith('/')) return { kind: 'subscribe', name: undefined, query: trimmed };
  const [, name = '', rest = ''] = /^\/(\S*)\s*([\s\S]*)$/.exec(trimmed) ?? [];
  switch (name) {
    case 'subscribe': {
      const match = /^(\S+)\s+([\s\S]+)$/.exec(rest);
      if (!match) return { kind: 'invalid', message: 'usage: /subscribe NAME QUERY' };
      return { kind: 'subscribe', name: match[1], query: match[2]! };
    }
    case 'stop':
      return rest === '' ? { kind: 'invalid', message: 'usage: /stop ID (see /operations)' } : { kind: 'stop', target: rest };
    case 'operations':
      return { kind: 'operations' };
    case 'help':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    default:
      return { kind: 'invalid', message: `unknown command /${name} (/help lists them)` };
  }
}

export async function runGraphqlInteractive(settings: GraphqlSettings, printer: Printer, passphrase: string | undefined): Promise<ExitCode> {
  const run = startGraphqlSession(settings, printer, passphrase);
  const { session } = run;
  let ending = false;
  const quit = () => {
    // A second Ctrl-C does not wait for the closing handshake.
    if (ending) process.exit(130);
    ending = true;
    session.close(1000);
  };
  const editor = new LineEditor(printer, {
    line(line) {
      const command = parseGraphqlLine(line);
      switch (command.kind) {
        case 'none':
          return;
        case 'help':
          printer.status(GRAPHQL_SLASH_HELP.join('\n'));
          return;
        case 'quit':
          quit();
          return;
        case 'invalid':
          printer.error(command.message);
          return;
        case 'operations': {
          const rows = [...session.operations.values()].map(
            (op) => `#${op.id}${op.name ? ` ${op.name}` : ''}  ${op.state}  ${op.results} result${op.results === 1 ? '' : 's'}`,
          );
          printer.status(rows.length > 0 ? rows.join('\n') : 'no operations yet');
          return;
        }
        case 'stop': {
          const operation =
            session.operations.get(command.target.replace(/^#/, '')) ?? [...session.operations.values()].find((op) => op.name === command.target);
          if (!operation || !session.stop(operation.id)) printer.error(`no running operation ${command.target} (see /operations)`);
          else printer.status(`#${operation.id} stopped`);
          return;
        }
        case 'subscribe': {
          try {
            checkQuery(command.query);
          } catch (error) {
            if (!(error instanceof QueryError)) throw error;
            printer.error(`${error.message}; nothing was sent`);
            return;
          }
          const operation = session.subscribe({ query: command.query }, command.name);
          printer.status(`#${operation.id}${operation.name ? ` ${operation.name}` : ''} started`);
          return;
        }
      }
    },
    end: quit,
  });
  try {
    return await run.finished;
  } finally {
    editor.close();
  }
}
