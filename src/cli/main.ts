/** wscope's entry point: parse the flags, pick the mode, and exit with a code a script can use. */
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { buildProgram, toCliOptions, USAGE_HINT, UsageError, type CliOptions } from './args.js';
import { colorWanted, palette } from './colors.js';
import { connectShape, runConnect } from './connect-mode.js';
import { ExitCode } from './exit-codes.js';
import { jsonlPrinterOptions, startJsonlOutput } from './jsonl-output.js';
import { runListen } from './listen-mode.js';
import { MessageView } from './message-view.js';
import { askPassphrase } from './passphrase.js';
import { Printer } from './printer.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Parse argv; undefined when commander has already answered (help, version) or refused. */
function parse(argv: string[]): CliOptions | ExitCode {
  const program = buildProgram(pkg.version);
  program.configureOutput({
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    // One line per error: commander's "(Did you mean --x?)" joins the line it explains.
    outputError: (text, write) => write(`${text.trimEnd().replace(/\n\(Did you mean (.*)\)$/, ' (did you mean $1)')}\n`),
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
  return toCliOptions(program.opts());
}

async function main(argv: string[]): Promise<ExitCode> {
  let cli: CliOptions;
  try {
    const parsed = parse(argv);
    if (typeof parsed === 'number') return parsed;
    cli = parsed;
  } catch (error) {
    if (error instanceof UsageError) return usageError(error);
    throw error;
  }
  const stdinIsTty = Boolean(process.stdin.isTTY);
  const stdoutIsTty = Boolean(process.stdout.isTTY);
  const shape = cli.mode === 'connect' ? connectShape(cli, stdinIsTty, stdoutIsTty) : stdinIsTty && stdoutIsTty ? 'interactive' : 'pipe';
  const interactive = shape === 'interactive';
  const colors = palette(colorWanted(cli.color, interactive ? stdoutIsTty : Boolean(process.stderr.isTTY)));
  if (cli.jsonl) startJsonlOutput();
  const printer = new Printer({ colors, interactive, timestamps: cli.timestamps, ...(cli.jsonl && jsonlPrinterOptions()) });
  const view = new MessageView(printer, {
    json: cli.json,
    binaryView: cli.binaryView,
    showPingPong: cli.showPingPong,
    showFrames: cli.showFrames,
    binary: cli.binary,
    base64: cli.base64,
    nullSeparated: cli.nullSeparated,
  });
  try {
    const passphrase = cli.passphrase === true ? await askPassphrase() : cli.passphrase;
    if (cli.mode === 'listen') return await runListen(cli, interactive, printer, view, passphrase);
    return await runConnect(cli, shape, printer, view, passphrase);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error);
    throw error;
  }
}

function usageError(error: UsageError): ExitCode {
  process.stderr.write(`error: ${error.message}\n${USAGE_HINT}\n`);
  return ExitCode.Usage;
}

function exit(code: number): void {
  // Let stdout drain (a pipe may be slower than us) before the process goes.
  process.stdout.write('', () => process.exit(code));
}

// `wscope ... | head -1`: the reader has gone, and so can we.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.Normal);
  throw error;
});

main(process.argv.slice(2)).then(exit, (error: unknown) => {
  process.stderr.write(`wscope: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exit(ExitCode.Internal);
});
