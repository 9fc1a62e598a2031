/** `wscope inspect FILE.har|FILE.jsonl`: the inspector page over a recording, offline. */
import type { Command } from 'commander';
import { Inspector } from '../../inspector/index.js';
import { type AnyTraceEvent, decodeJsonl, TraceFormatError } from '../../index.js';
import { parseRecordingEvents, RecordingError, recordingFormat } from '../../replay/recording.js';
import { ExitCode } from '../exit-codes.js';
import { inspectFlags, type RawOptions } from '../flags.js';
import { examples } from '../help-text.js';
import { startInspector } from '../inspecting.js';
import { readTextFile, reportingBadFiles } from '../recording-file.js';
import type { Subcommand } from './subcommand.js';

const INSPECT_HELP = `
${examples([
  ['wscope inspect session.har', 'a recording of wscope --record, or a HAR saved by Chrome DevTools or Playwright'],
  ['wscope inspect trace.jsonl --open', 'trace events (--record x.jsonl, --jsonl); open the browser too'],
])}

The page is served on 127.0.0.1 only, and only with the token in the printed URL. Ctrl-C stops it.`;

async function runInspect(file: string, raw: RawOptions): Promise<ExitCode> {
  const settings = inspectFlags.read(raw, true);
  return reportingBadFiles(file, async () => {
    const events = inspectedEvents(file, readTextFile(file));
    const inspector = new Inspector({ live: false, title: file, port: settings.port ?? 0, host: settings.host });
    inspector.add(events);
    if ((await startInspector(inspector, settings, (line) => process.stdout.write(`${line}\n`))) === undefined) return ExitCode.ListenFailed;
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await inspector.close();
    return ExitCode.Normal;
  });
}

/** A recording's events; a JSONL one may hold gRPC calls too (HAR has no shape for them). */
function inspectedEvents(file: string, text: string): AnyTraceEvent[] {
  if (recordingFormat(file, text) === 'har') return parseRecordingEvents(file, text);
  try {
    return decodeJsonl(text, { grpc: true });
  } catch (error) {
    if (error instanceof TraceFormatError) throw new RecordingError(`not a wscope JSONL trace: ${error.message}`);
    throw error;
  }
}

export const inspectCommand: Subcommand = {
  name: 'inspect',
  summary: 'show a recording (HAR or JSONL) in the inspector page',
  define(command: Command, schedule) {
    command
      .description('Serve the inspector page over a recording: connections, handshakes, every message, filters.')
      .argument('<file>', 'a .har or .jsonl recording')
      .usage('<file> [options]');
    inspectFlags.add(command, true);
    command.addHelpText('after', INSPECT_HELP);
    command.action((file: string, raw: RawOptions) => schedule(() => runInspect(file, raw)));
  },
};
