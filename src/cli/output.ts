/**
 * The output path, chosen once per run: colours, the printer (terminal or pipe), and the view
 * that turns a socket's traffic into lines or records.
 */
import type { WebSocket } from '../index.js';
import type { OutputSettings } from './flags.js';
import { JSONL_VIEW, jsonlPrinterOptions, startJsonlOutput } from './jsonl-output.js';
import { MessageView } from './message-view.js';
import { colorWanted, palette } from './terminal/colors.js';
import { Printer } from './terminal/printer.js';

/**
 * What the modes ask of a view: show or write what happens on a socket from now on. `client` is
 * listen mode's ID for it. MessageView is the terminal's lines and pipe mode's records; a view
 * of another format (--jsonl) implements the same and is chosen in createOutput.
 */
export interface TrafficView {
  attach(socket: WebSocket, client?: number): void;
}

export interface Output {
  printer: Printer;
  view: TrafficView;
}

export function createOutput(settings: OutputSettings, interactive: boolean): Output {
  const colors = palette(colorWanted(settings.color, interactive ? Boolean(process.stdout.isTTY) : Boolean(process.stderr.isTTY)));
  if (settings.jsonl) {
    startJsonlOutput();
    return { printer: new Printer({ colors, timestamps: settings.timestamps, ...jsonlPrinterOptions() }), view: JSONL_VIEW };
  }
  const printer = new Printer({ colors, interactive, timestamps: settings.timestamps });
  return { printer, view: new MessageView(printer, settings) };
}
