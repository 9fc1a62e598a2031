/**
 * The output path, chosen once per run: colours, the printer (terminal or pipe), and the view
 * that turns a socket's traffic into lines or records.
 */
import type { OutputSettings } from './flags.js';
import { MessageView } from './message-view.js';
import { colorWanted, palette } from './terminal/colors.js';
import { Printer } from './terminal/printer.js';

export interface Output {
  printer: Printer;
  view: MessageView;
}

export function createOutput(settings: OutputSettings, interactive: boolean): Output {
  const colors = palette(colorWanted(settings.color, interactive ? Boolean(process.stdout.isTTY) : Boolean(process.stderr.isTTY)));
  const printer = new Printer({ colors, interactive, timestamps: settings.timestamps });
  return { printer, view: new MessageView(printer, settings) };
}
