/**
 * `wscope connect URL --collection FILE`: `/send NAME`, `/messages`, `/save NAME` at the
 * keyboard. The collection (src/collection/) owns the file; this remembers what was sent last
 * and says what happened.
 */
import { relative, resolve } from 'node:path';
import { Collection, CollectionError } from '../collection/index.js';
import type { MessageSpec } from '../templating/index.js';
import type { CollectionSettings } from './flags.js';
import type { CollectionCommand, SocketCommand } from './slash-commands.js';
import type { Printer } from './terminal/printer.js';

const PREVIEW = 60;

export class CollectionKeyboard {
  /** The last message sent, as the file would hold it (a /send keeps its {{variables}}). */
  private last: MessageSpec | undefined;

  private constructor(
    private readonly collection: Collection,
    private readonly printer: Printer,
    private readonly submit: (command: SocketCommand) => void,
  ) {}

  /** Open the file; a CollectionError says why it cannot be used. */
  static open(settings: CollectionSettings, printer: Printer, submit: (command: SocketCommand) => void): CollectionKeyboard {
    return new CollectionKeyboard(Collection.open(settings.path, { envName: settings.envName, vars: settings.vars }), printer, submit);
  }

  /** A line or command the user sent some other way (typed text, /binary, /file): what /save saves. */
  sent(command: SocketCommand): void {
    const spec = specOf(command, this.collection.path);
    if (spec !== undefined) this.last = spec;
  }

  run(command: CollectionCommand): void {
    try {
      if (command.action === 'messages') this.list();
      else if (command.action === 'send') this.send(command.name);
      else this.save(command.name);
    } catch (error) {
      if (!(error instanceof CollectionError)) throw error;
      this.printer.error(error.message);
    }
  }

  private list(): void {
    const names = this.collection.names();
    if (names.length === 0) {
      this.printer.status(`${this.collection.path} has no messages yet (/save NAME saves the last one sent)`);
      return;
    }
    const width = Math.max(...names.map((name) => name.length));
    const lines = names.map((name) => `  ${name.padEnd(width)}  ${preview(this.collection.spec(name))}`);
    this.printer.status(`${names.length} message${names.length === 1 ? '' : 's'} in ${this.collection.path}:\n${lines.join('\n')}`);
  }

  private send(name: string): void {
    const payload = this.collection.payload(name);
    this.submit(payload.binary ? { kind: 'binary', data: payload.data } : { kind: 'message', text: payload.data });
    this.last = this.collection.spec(name);
    this.printer.status(`sent ${name}: ${cut(payload.binary ? `[binary ${payload.data.length} B]` : payload.data)}`);
  }

  private save(name: string): void {
    const last = this.last;
    if (last === undefined) throw new CollectionError('nothing sent yet: send a message, then /save NAME');
    const replaced = this.collection.names().includes(name);
    this.collection.save(name, last);
    this.printer.status(`${replaced ? 'replaced' : 'saved'} ${name} in ${this.collection.path}: ${preview(last)}`);
  }
}

function specOf(command: SocketCommand, collectionPath: string): MessageSpec | undefined {
  switch (command.kind) {
    case 'message':
      return command.text;
    case 'binary':
      return { binary: command.data.toString('hex').replace(/(..)(?!$)/g, '$1 ') };
    case 'file':
      // The file's messages name files relative to its own folder.
      return { file: relative(resolve(collectionPath, '..'), resolve(command.path)) };
    default:
      return undefined;
  }
}

function preview(spec: MessageSpec): string {
  return cut(JSON.stringify(spec));
}

function cut(text: string): string {
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW - 3)}...` : text;
}
