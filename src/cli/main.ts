/**
 * wscope's entry point: the table of subcommands (each a file under commands/, owning its
 * options), wscat's `-c URL` / `-l PORT` kept on the top-level command, and an exit code a
 * script can use.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help } from 'commander';
import { connectCommand } from './commands/connect.js';
import { grpcCommand } from './commands/grpc.js';
import { inspectCommand } from './commands/inspect.js';
import { listenCommand } from './commands/listen.js';
import { mockCommand } from './commands/mock.js';
import { proxyCommand } from './commands/proxy.js';
import { recordCommand } from './commands/record.js';
import { replayCommand } from './commands/replay.js';
import { runCommand } from './commands/run.js';
import type { Subcommand } from './commands/subcommand.js';
import { defineWscatForm } from './commands/wscat.js';
import { ExitCode } from './exit-codes.js';
import { ENVIRONMENT_HELP, EXIT_CODES_HELP, examples } from './help-text.js';
import { redactUrlPasswords } from '../index.js';
import { USAGE_HINT, UsageError } from './usage-error.js';

/** The subcommands, in the order `wscope --help` lists them. Each tool adds a row. */
export const SUBCOMMANDS: readonly Subcommand[] = [
  connectCommand,
  listenCommand,
  proxyCommand,
  recordCommand,
  replayCommand,
  inspectCommand,
  runCommand,
  mockCommand,
  grpcCommand,
];

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const ROOT_HELP = `
${examples([
  ['wscope -l 8765', 'a WebSocket server on port 8765; type to send to every client'],
  ['wscope -c ws://127.0.0.1:8765/status', "connect; typed lines are sent, '< ' marks what arrives"],
  ['wscope listen 8765 / wscope connect URL', 'the same as subcommands, each with its own --help'],
  ['wscope listen 9000 --echo -q', 'a quiet echo peer for conformance suites and long runs'],
  ['echo \'{"op":"hi"}\' | wscope connect ws://localhost:8765 -w 1 > replies.txt', 'pipe mode: one message per line, replies on stdout'],
])}

'wscope COMMAND --help' shows a command's options, examples and slash commands.

${EXIT_CODES_HELP}

${ENVIRONMENT_HELP}`;

/** The usage hint after an error in `wscope NAME ...` (undefined: the top-level command). */
function usageHint(name?: string): string {
  return name === undefined ? USAGE_HINT : `(run 'wscope ${name} --help' for usage)`;
}

/**
 * The whole command line. `schedule` receives the work the parsed arguments ask for, and the
 * subcommand's name (undefined for the top-level, wscat form).
 */
export function buildProgram(version: string, schedule: (work: () => Promise<ExitCode>, name?: string) => void): Command {
  const program = new Command('wscope');
  program
    .usage('<command> [options]  |  [options] (--connect <url> | --listen <port>)')
    .description('A WebSocket workbench: wscat-compatible client and server, and more.')
    .version(version, '-V, --version', 'output the version number')
    .helpOption('-h, --help', 'display help with examples and exit codes')
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      // One line per error: commander's "(Did you mean --x?)" joins the line it explains.
      outputError: (text, write) => write(`${text.trimEnd().replace(/\n\(Did you mean (.*)\)$/, ' (did you mean $1)')}\n`),
    })
    .showHelpAfterError(USAGE_HINT)
    .allowExcessArguments(false)
    .enablePositionalOptions()
    .exitOverride();
  for (const subcommand of SUBCOMMANDS) {
    const command = program.command(subcommand.name).summary(subcommand.summary).showHelpAfterError(usageHint(subcommand.name));
    subcommand.define(command, (work) => schedule(work, subcommand.name));
  }
  defineWscatForm(
    program,
    (work) => schedule(work),
    SUBCOMMANDS.map((s) => s.name),
  );
  // Operands that are not a subcommand reach the wscat form's action, which names them.
  program.allowExcessArguments(true).addHelpText('after', ROOT_HELP);
  // A newcomer meets the commands first, then wscat's form and its flags.
  program.configureHelp({ formatHelp: (command, helper) => commandsFirst(Help.prototype.formatHelp.call(helper, command, helper)) });
  return program;
}

/** Move commander's `Commands:` block up, before the first block of options. */
function commandsFirst(help: string): string {
  const match = /\nCommands:\n[\s\S]*?\n(?=\n|$)/.exec(help);
  const options = help.indexOf('\nOptions:\n');
  if (!match || options === -1 || match.index < options) return help;
  const without = help.slice(0, match.index) + help.slice(match.index + match[0].length);
  return `${without.slice(0, options)}${match[0]}${without.slice(options)}`;
}

/** Run the command line and resolve with the exit code (the process is left to the caller). */
export async function main(argv: string[]): Promise<ExitCode> {
  let work: (() => Promise<ExitCode>) | undefined;
  let commandName: string | undefined;
  const program = buildProgram(pkg.version, (scheduled, name) => {
    work = scheduled;
    commandName = name;
  });
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return ExitCode.Usage;
  }
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Normal : ExitCode.Usage;
    throw error;
  }
  if (!work) return ExitCode.Normal;
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${redactUrlPasswords(error.message)}\n${usageHint(commandName)}\n`);
    return ExitCode.Usage;
  }
}

function exit(code: number): void {
  // Let stdout drain (a pipe may be slower than us) before the process goes.
  process.stdout.write('', () => process.exit(code));
}

/** bin/wscope.js: run with the process's arguments, then exit with the code. */
export function runProcess(): void {
  // `wscope ... | head -1`: the reader has gone, and so can we.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.Normal);
    throw error;
  });
  main(process.argv.slice(2)).then(exit, (error: unknown) => {
    process.stderr.write(`wscope: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    exit(ExitCode.Internal);
  });
}
