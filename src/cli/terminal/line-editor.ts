/**
 * Interactive input: readline's line editing (arrows, Ctrl-A/E/W/U, Ctrl-R-less history with
 * up/down) with persistent history, a `> ` prompt kept at the bottom while messages arrive,
 * Ctrl-C and Ctrl-D reported to the mode.
 */
import { createInterface, type Interface } from 'node:readline';
import { HISTORY_SIZE, HistoryWriter, historyPath, loadHistory } from './history.js';
import type { Printer } from './printer.js';

export interface LineEditorHandlers {
  line(line: string): void;
  /** Ctrl-C or Ctrl-D on an empty line: the user wants out. */
  end(): void;
}

export class LineEditor {
  private readonly rl: Interface;
  private closed = false;

  constructor(
    private readonly printer: Printer,
    handlers: LineEditorHandlers,
  ) {
    const path = historyPath();
    const history = path ? loadHistory(path) : [];
    const writer = path ? new HistoryWriter(path, history[0]) : undefined;
    this.rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: true,
      prompt: '> ',
      history,
      historySize: HISTORY_SIZE,
      removeHistoryDuplicates: true,
    });
    this.rl.on('line', (line: string) => {
      writer?.add(line);
      if (printer.timestamps) this.restampTyped(line);
      handlers.line(line);
      if (!this.closed) this.rl.prompt();
    });
    this.rl.on('SIGINT', () => handlers.end());
    this.rl.on('close', () => {
      if (!this.closed) {
        this.closed = true;
        this.printer.prompt = undefined;
        process.stdout.write('\n');
        handlers.end();
      }
    });
    this.printer.prompt = {
      clear: () => {
        if (this.closed) return;
        process.stdout.write('\r\u001b[2K');
      },
      redraw: () => {
        if (!this.closed) this.rl.prompt(true);
      },
    };
    this.rl.prompt();
  }

  /**
   * readline has echoed `> line` and moved below it; with --timestamps, write it again in place
   * with its time, so the time from a request to its reply can be read off the screen.
   */
  private restampTyped(line: string): void {
    const text = `> ${line}`;
    const rows = Math.max(1, Math.ceil(text.length / (process.stdout.columns || 80)));
    process.stdout.write(`\u001b[${rows}A\r\u001b[J`);
    this.printer.typed(text);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.printer.prompt = undefined;
    process.stdout.write('\r\u001b[2K');
    this.rl.close();
  }
}
