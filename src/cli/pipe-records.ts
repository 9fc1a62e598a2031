/**
 * Pipe mode's stdout: one record per message, the message's bytes exactly as they came, then
 * the separator (newline, or NUL with --null). Nothing is decoded, replaced or dropped:
 *
 * - a text message is its UTF-8 bytes; one that holds the separator is still written whole,
 *   and stderr says, once, that records and messages no longer line up (use --null or --jsonl);
 * - a binary message is its raw bytes by default (decoding it as text would turn 0xbe into
 *   U+FFFD); when those bytes are not UTF-8 text, or hold the separator, stderr says so once
 *   and points at --base64 / --binary-view hex (one text record per message) or --jsonl.
 *   --base64 and --binary-view hex|base64 write the encoding instead.
 * - in listen mode each record starts with the client's ID and a space (`#2 `), then the
 *   message, exactly; `sed 's/^#[0-9]* //'` gives the message back.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import type { OutputSettings } from './flags.js';
import type { Printer } from './terminal/printer.js';

export class RecordWriter {
  private readonly separator: Buffer;
  private warnedText = false;
  private warnedBinary = false;

  constructor(
    private readonly printer: Printer,
    private readonly options: OutputSettings,
  ) {
    this.separator = Buffer.from(options.nullSeparated ? '\0' : '\n');
  }

  write(data: Buffer, isBinary: boolean, client?: number): void {
    const prefix = client === undefined ? '' : `#${client} `;
    const encoded = isBinary ? this.encodeBinary(data) : undefined;
    if (encoded !== undefined) {
      this.printer.data(`${prefix}${encoded}${this.separator.toString()}`);
      return;
    }
    if (isBinary) this.checkBinary(data);
    else this.checkText(data);
    this.printer.data(Buffer.concat([Buffer.from(prefix), data, this.separator]));
  }

  /** The text form of a binary message when one was asked for; undefined: the raw bytes. */
  private encodeBinary(data: Buffer): string | undefined {
    if (this.options.base64 || this.options.binaryView === 'base64') return data.toString('base64');
    if (this.options.binaryView === 'hex') return data.toString('hex');
    return undefined;
  }

  private checkText(data: Buffer): void {
    if (this.warnedText || !data.includes(this.separator)) return;
    this.warnedText = true;
    this.printer.warn(
      `warning: a text message contains ${this.separatorName()}, the record separator: it is written whole, as more than one record (use ${this.options.nullSeparated ? '--jsonl' : '--null or --jsonl'} to keep messages apart)`,
    );
  }

  private checkBinary(data: Buffer): void {
    if (this.warnedBinary || this.options.binary) return;
    const why = !isUtf8(data) ? 'bytes that are not UTF-8 text' : data.includes(this.separator) ? `${this.separatorName()}, the record separator` : undefined;
    if (why === undefined) return;
    this.warnedBinary = true;
    this.printer.warn(
      `warning: a binary message holds ${why}: it is written as raw bytes (use --base64 or --binary-view hex for one text record per message, or --jsonl)`,
    );
  }

  private separatorName(): string {
    return this.options.nullSeparated ? 'a NUL byte' : 'a newline';
  }
}
