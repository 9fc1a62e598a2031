/**
 * Where text goes. Interactive: everything on the terminal, with the prompt cleared before and
 * redrawn after each line. Pipe: stdout gets only messages; status and errors go to stderr.
 */
import type { Buffer } from 'node:buffer';
import type { Palette } from './colors.js';
import { formatTimestamp } from '../format.js';
import { redactUrlPasswords } from '../../index.js';
import { escapeControls } from './escape.js';

export interface PromptHooks {
  clear(): void;
  redraw(): void;
}

export interface PrinterOptions {
  colors: Palette;
  /** A person at a terminal: status on stdout, `< ` before incoming messages. */
  interactive: boolean;
  timestamps: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export class Printer {
  readonly colors: Palette;
  readonly interactive: boolean;
  /** Set by the line editor while a prompt is on screen. */
  prompt: PromptHooks | undefined;
  readonly timestamps: boolean;
  private readonly stdout: NodeJS.WritableStream;
  private readonly stderr: NodeJS.WritableStream;

  constructor(options: PrinterOptions) {
    this.colors = options.colors;
    this.interactive = options.interactive;
    this.timestamps = options.timestamps;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
  }

  /** A received message, already formatted as lines: `< first`, then the rest indented. */
  incoming(lines: readonly string[], label = ''): void {
    const prefix = `< ${label}`;
    const out = lines.map((line, i) => this.stamp(this.colors.incoming(i === 0 ? prefix + line : ' '.repeat(prefix.length) + line)));
    this.write(this.stdout, out);
  }

  /** A line the user typed (`> text`), for --timestamps: stamped like every other line. */
  typed(text: string): void {
    this.stdout.write(`${this.stamp(this.colors.outgoing(escapeControls(text)))}\n`);
  }

  /** Bytes for stdout exactly as given (pipe mode's messages). */
  data(chunk: string | Buffer): void {
    if (this.timestamps) this.stdout.write(`${formatTimestamp(new Date())} `);
    this.stdout.write(chunk);
  }

  // Status, detail, warnings and errors are wscope's own lines, for a person: a URL in them never
  // shows its password, and what the peer put in them (a close reason, a header, a status text)
  // cannot drive the terminal. Pipe mode's data is written as it came.

  /** What happens to the connection: connected, closed, pings. */
  status(text: string): void {
    if (this.interactive) this.write(this.stdout, [this.stamp(this.colors.status(this.safe(text)))]);
    else this.write(this.stderr, [this.stamp(this.safe(text))]);
  }

  /** Detail that only a person watching wants (frames, pongs): same place as status. */
  detail(text: string): void {
    if (this.interactive) this.write(this.stdout, [this.stamp(this.colors.dim(this.safe(text)))]);
    else this.write(this.stderr, [this.stamp(this.safe(text))]);
  }

  warn(text: string): void {
    this.write(this.stderr, [this.stamp(this.colors.warning(this.safe(text)))]);
  }

  error(text: string): void {
    this.write(this.stderr, [this.stamp(this.colors.error(`error: ${this.safe(text)}`))]);
  }

  private safe(text: string): string {
    return escapeControls(redactUrlPasswords(text));
  }

  private stamp(line: string): string {
    return this.timestamps ? `${this.colors.dim(formatTimestamp(new Date()))} ${line}` : line;
  }

  private write(stream: NodeJS.WritableStream, lines: readonly string[]): void {
    this.prompt?.clear();
    stream.write(`${lines.join('\n')}\n`);
    this.prompt?.redraw();
  }
}
