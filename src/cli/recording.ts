/**
 * `--record FILE`, `--redact HEADER`, `--no-redact` for a mode: the trace options are set for the
 * whole run (so --jsonl shows the same redaction), the recordings are opened before anything
 * connects (a path that cannot be written: one line, exit 12), and closed when the mode is done.
 */
import { type HandshakeTraceEvent, setTraceOptions } from '../index.js';
import { Recorder, RecordFileError } from '../record/index.js';
import { ExitCode } from './exit-codes.js';
import type { RecordingSettings } from './flags.js';

export interface RecordingChoice {
  /** Which connections go into a file of this format (all when absent): the proxy's HAR holds its client leg only. */
  connections?: Partial<Record<'har' | 'jsonl', (handshake: HandshakeTraceEvent) => boolean>>;
}

export async function withRecording(settings: RecordingSettings, run: () => Promise<ExitCode>, choice: RecordingChoice = {}): Promise<ExitCode> {
  setTraceOptions({ secrets: settings.secrets, redactHeaders: settings.redact });
  const recorders: Recorder[] = [];
  try {
    for (const file of settings.files) {
      const connections = choice.connections?.[file.toLowerCase().endsWith('.har') ? 'har' : 'jsonl'];
      recorders.push(new Recorder(file, connections ? { connections } : {}));
    }
  } catch (error) {
    for (const recorder of recorders) recorder.close();
    if (!(error instanceof RecordFileError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return ExitCode.BadFile;
  }
  try {
    return await run();
  } finally {
    for (const recorder of recorders) recorder.close();
  }
}
