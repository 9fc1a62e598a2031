/** `wscope record convert IN OUT`: a recording from HAR to JSONL or back, the format chosen by each file's extension. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { encodeJsonl, harFromEvents, type TraceEvent } from '../../index.js';
import { parseRecordingEvents, recordingFormat } from '../../replay/recording.js';
import { ExitCode } from '../exit-codes.js';
import { examples } from '../help-text.js';
import { BadFileError, readTextFile, reportingBadFiles } from '../recording-file.js';
import { UsageError } from '../usage-error.js';
import type { Subcommand } from './subcommand.js';

const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };

function outputFormat(path: string): 'har' | 'jsonl' {
  if (/\.har$/i.test(path)) return 'har';
  if (/\.jsonl$/i.test(path)) return 'jsonl';
  throw new UsageError(`'${path}' needs the extension .har or .jsonl, which says the format to write`);
}

function convert(input: string, output: string): ExitCode {
  const to = outputFormat(output);
  const text = readTextFile(input);
  const events: TraceEvent[] = parseRecordingEvents(input, text);
  const connections = new Set(events.map((event) => event.conn)).size;
  if (connections === 0) throw new BadFileError(input, 'no WebSocket connection in the recording');
  const content =
    to === 'har' ? `${JSON.stringify(harFromEvents(events, { creator: { name: 'wscope', version: pkg.version } }), null, 2)}\n` : encodeJsonl(events);
  try {
    writeFileSync(output, content);
  } catch (error) {
    throw new BadFileError(output, `cannot write it: ${(error as Error).message}`);
  }
  const from = recordingFormat(input, text);
  process.stderr.write(
    `converted ${connections} connection${connections === 1 ? '' : 's'} (${events.length} events) from ${from === 'har' ? 'HAR' : 'JSONL'} to ${to === 'har' ? 'HAR' : 'JSONL'}: ${output}\n`,
  );
  return ExitCode.Normal;
}

const CONVERT_HELP = `
HAR → JSONL reads any HAR with WebSocket entries (ours, Chrome DevTools' export, Playwright's
recordHar with content: 'embed'); in it "send" is what the client sent. JSONL → HAR writes what
'wscope connect --record FILE.har' would have written (docs/recording.md).

${examples([
  ['wscope record convert session.har session.jsonl', 'a DevTools or Playwright HAR as a wscope trace'],
  ['wscope record convert trace.jsonl trace.har', 'a --jsonl trace as a HAR for DevTools'],
])}`;

export const recordCommand: Subcommand = {
  name: 'record',
  summary: 'work with recordings: convert between HAR and JSONL',
  define(command: Command, schedule) {
    command.description('Work with recordings (made with --record, --jsonl, DevTools or Playwright).').usage('convert <in> <out>');
    command
      .command('convert')
      .description('Convert a recording between HAR (.har) and JSONL (.jsonl); the extensions say the formats.')
      .argument('<in>', 'the recording to read: .har or .jsonl')
      .argument('<out>', 'the file to write: .har or .jsonl')
      .addHelpText('after', CONVERT_HELP)
      .action((input: string, output: string) => schedule(() => reportingBadFiles(input, async () => convert(input, output))));
  },
};
