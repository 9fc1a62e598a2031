/**
 * Slash commands: parsed from a typed line, then run against a socket. wscat's `/ping [data]`,
 * `/pong [data]`, `/close [code [reason]]`, plus wscope's own.
 */
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { describeCloseCode, Opcode, type WebSocket } from '../index.js';

export type SlashCommand =
  | { kind: 'message'; text: string }
  | { kind: 'ping'; data: string }
  | { kind: 'pong'; data: string }
  | { kind: 'close'; code: number | undefined; reason: string }
  | { kind: 'binary'; data: Buffer }
  | { kind: 'file'; path: string }
  | { kind: 'to'; id: number; line: string }
  | { kind: 'clients' }
  | { kind: 'headers'; id: number }
  | CollectionCommand
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'invalid'; message: string };

/** With `--collection FILE`: its saved messages. */
export type CollectionCommand = { kind: 'collection'; action: 'send' | 'save'; name: string } | { kind: 'collection'; action: 'messages' };

export const SLASH_HELP = [
  '/ping [data]            send a ping',
  '/pong [data]            send an unsolicited pong',
  '/close [code [reason]]  start the closing handshake (default 1000)',
  '/binary HEX             send a binary message (spaces allowed: /binary 00 ff 10)',
  '/file PATH              send a file as one binary message',
  '/to ID LINE             listen mode: send LINE (a message or a slash command) to client ID',
  '/clients                listen mode: list connected clients',
  '/headers ID             listen mode: show the request headers of client ID',
  '/send NAME              --collection: send the message saved as NAME ({{variables}} expanded)',
  '/messages               --collection: list the saved messages',
  '/save NAME              --collection: save the last message sent as NAME',
  '/quit                   close (1000) and exit',
  '//text                  send "/text" as a message',
];

/** Split `/name rest` into the command name and the rest of the line, untouched. */
function splitCommand(line: string): [string, string] {
  const match = /^\/(\S*)\s*([\s\S]*)$/.exec(line);
  return match ? [match[1]!, match[2]!] : ['', ''];
}

/** Does this line start like a slash command wscope knows (`/ping x`, `/close 4000`)? For the hint when they are off. */
export function looksLikeSlashCommand(line: string): boolean {
  const [name] = splitCommand(line);
  return (
    !line.startsWith('//') &&
    ['ping', 'pong', 'close', 'binary', 'file', 'to', 'clients', 'headers', 'send', 'messages', 'save', 'help', 'quit', 'exit'].includes(name)
  );
}

export function parseSlash(line: string): SlashCommand {
  if (!line.startsWith('/')) return { kind: 'message', text: line };
  if (line.startsWith('//')) return { kind: 'message', text: line.slice(1) };
  const [name, rest] = splitCommand(line);
  switch (name) {
    case 'ping':
    case 'pong':
      return { kind: name, data: rest };
    case 'close': {
      if (rest === '') return { kind: 'close', code: undefined, reason: '' };
      // wscat documents `/close [code [, reason]]`: accept the comma, and keep the reason's spaces.
      const match = /^(\S+?),?(?:\s+,?\s*([\s\S]*))?$/.exec(rest);
      const code = Number(match?.[1]);
      if (!match || !/^\d+$/.test(match[1]!)) return { kind: 'invalid', message: `'${match?.[1] ?? rest}' is not a close code` };
      return { kind: 'close', code, reason: match[2] ?? '' };
    }
    case 'binary': {
      const hex = rest.replace(/\s+/g, '').replace(/^0x/i, '');
      if (!/^([0-9a-f]{2})*$/i.test(hex)) return { kind: 'invalid', message: '/binary takes hex bytes, e.g. /binary 48 69 or /binary 4869' };
      return { kind: 'binary', data: Buffer.from(hex, 'hex') };
    }
    case 'file':
      return rest ? { kind: 'file', path: rest } : { kind: 'invalid', message: '/file needs a path' };
    case 'to':
    case 'headers': {
      const match = /^#?(\d+)(?:\s+([\s\S]*))?$/.exec(rest);
      if (!match) return { kind: 'invalid', message: name === 'to' ? 'usage: /to ID MESSAGE' : 'usage: /headers ID' };
      const id = Number(match[1]);
      if (name === 'headers') return { kind: 'headers', id };
      return match[2] ? { kind: 'to', id, line: match[2] } : { kind: 'invalid', message: 'usage: /to ID MESSAGE' };
    }
    case 'send':
    case 'save':
      return /^\S+$/.test(rest) ? { kind: 'collection', action: name, name: rest } : { kind: 'invalid', message: `usage: /${name} NAME` };
    case 'messages':
      return { kind: 'collection', action: 'messages' };
    case 'clients':
    case 'help':
    case 'quit':
      return { kind: name };
    case 'exit':
      return { kind: 'quit' };
    default:
      return { kind: 'invalid', message: `unknown command /${name} (try /help)` };
  }
}

export interface SocketCommandOptions {
  /** Allow close codes that may not be sent, through a hand-made Close frame. */
  raw: boolean;
  /** Clients mask their frames (RFC 6455 §5.3); hand-made frames must too. */
  mask: boolean;
}

export type SocketCommand = Extract<SlashCommand, { kind: 'message' | 'ping' | 'pong' | 'close' | 'binary' | 'file' }>;

export function isSocketCommand(command: SlashCommand): command is SocketCommand {
  return ['message', 'ping', 'pong', 'close', 'binary', 'file'].includes(command.kind);
}

/** Run a command on one open socket; throws an Error with a message fit for the user. */
export function runSocketCommand(socket: WebSocket, command: SocketCommand, options: SocketCommandOptions): void {
  switch (command.kind) {
    case 'message':
      socket.send(command.text);
      return;
    case 'ping':
      socket.ping(command.data);
      return;
    case 'pong':
      socket.pong(command.data);
      return;
    case 'binary':
      socket.send(command.data, { binary: true });
      return;
    case 'file': {
      let data: Buffer;
      try {
        data = readFileSync(command.path);
      } catch (error) {
        throw new Error(`cannot read ${command.path}: ${(error as Error).message}`);
      }
      socket.send(data, { binary: true });
      return;
    }
    case 'close':
      sendClose(socket, command.code, command.reason, options);
      return;
  }
}

/** `1000-1003, 1007-1014, 3000-4999`: the codes an endpoint may send, from the registry. */
function sendableRanges(): string {
  const ranges: Array<[number, number]> = [];
  for (let code = 0; code <= 0xffff; code++) {
    if (!describeCloseCode(code).sendable) continue;
    const last = ranges.at(-1);
    if (last && last[1] === code - 1) last[1] = code;
    else ranges.push([code, code]);
  }
  return ranges.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)).join(', ');
}

function sendClose(socket: WebSocket, code: number | undefined, reason: string, options: SocketCommandOptions): void {
  const effective = code ?? 1000;
  // RFC 6455 §5.5.1: the code is "a 2-byte unsigned integer"; not even --raw can send more.
  if (effective > 0xffff) {
    throw new Error(`close code ${effective} cannot be sent: a Close frame's code is 2 bytes (0-65535); codes that may be sent: ${sendableRanges()}`);
  }
  const info = describeCloseCode(effective);
  if (info.sendable) {
    socket.close(effective, reason);
    return;
  }
  if (!options.raw)
    throw new Error(`close code ${effective} may not be sent: ${info.meaning}; codes that may be sent: ${sendableRanges()} (--raw sends it anyway)`);
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(effective, 0);
  payload.write(reason, 2);
  socket.sendFrame({ opcode: Opcode.Close, payload, mask: options.mask });
}
