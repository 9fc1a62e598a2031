/**
 * `wscope replay`: read the recording, replay each chosen connection at its recorded start
 * (divided by --speed), show what comes back with connect mode's views, and with --compare print
 * the verdict: the first difference as a diff, exit code 10.
 */
import { Buffer } from 'node:buffer';
import { redactUrlPasswords, type WebSocket } from '../index.js';
import {
  compareClose,
  compareReplies,
  type Difference,
  parseRecording,
  type RecordedConnection,
  type Recording,
  replayConnection,
  replayHandshake,
  type ReplayResult,
  replayUrl,
} from '../replay/index.js';
import type { ReplaySettings } from './commands/replay.js';
import { explainConnectError } from './connect-problems.js';
import { ExitCode, exitCodeForClose } from './exit-codes.js';
import { formatClose } from './format.js';
import { createOutput, type Output } from './output.js';
import { readTextFile } from './recording-file.js';
import { askPassphrase } from './terminal/passphrase.js';
import { clientOptions } from './socket-options.js';
import { UsageError } from './usage-error.js';

export async function runReplay(settings: ReplaySettings): Promise<ExitCode> {
  const recording = parseRecording(settings.file, readTextFile(settings.file));
  const chosen = chooseConnections(recording, settings);
  const output = createOutput(settings.output, Boolean(process.stdout.isTTY));
  for (const { id, why } of recording.skipped) if (settings.conn === undefined) output.printer.warn(`connection ${id} is not replayed: ${why}`);
  const passphrase = settings.tls.passphrase === true ? await askPassphrase() : settings.tls.passphrase;
  const first = chosen[0]!.handshake.start;
  const results = await Promise.all(
    chosen.map(async (connection) => {
      const delay = settings.speed === Infinity ? 0 : ((connection.handshake.start - first) * 1000) / settings.speed;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return replayOne(connection, settings, output, chosen.length > 1, passphrase);
    }),
  );
  if (!settings.compare) return results.find((code) => code !== ExitCode.Normal) ?? ExitCode.Normal;
  // A connection that could not open was not compared: its own exit code says why.
  const failed = results.find((code) => code !== ExitCode.Normal && code !== ExitCode.ReplayMismatch);
  if (failed !== undefined) return failed;
  const differing = results.filter((code) => code === ExitCode.ReplayMismatch).length;
  const total = chosen.length;
  if (differing === 0) {
    output.printer.status(`replay: ${total === 1 ? 'the connection matches' : `all ${total} connections match`} the recording`);
    return ExitCode.Normal;
  }
  output.printer.status(
    `replay: ${differing} of ${total} connection${total === 1 ? '' : 's'} differ${differing === 1 && total === 1 ? 's' : ''} from the recording`,
  );
  return ExitCode.ReplayMismatch;
}

function chooseConnections(recording: Recording, settings: ReplaySettings): RecordedConnection[] {
  const ids = recording.connections.map((c) => c.id);
  if (settings.conn === undefined) {
    if (ids.length === 0) throw new UsageError(`no connection in ${settings.file} opened, so there is nothing to replay`);
    return recording.connections;
  }
  const found = recording.connections.find((c) => c.id === settings.conn);
  if (found) return [found];
  const skipped = recording.skipped.find((s) => s.id === settings.conn);
  if (skipped) throw new UsageError(`connection ${settings.conn} in ${settings.file} cannot be replayed: ${skipped.why}`);
  const list = ids.length === 0 ? 'none that opened' : ids.join(', ');
  throw new UsageError(`there is no connection ${settings.conn} in ${settings.file} (connections: ${list})`);
}

async function replayOne(
  connection: RecordedConnection,
  settings: ReplaySettings,
  { printer, view }: Output,
  several: boolean,
  passphrase: string | undefined,
): Promise<ExitCode> {
  const tag = several ? `#${connection.id} ` : '';
  const url = replayUrl(connection.handshake.url, settings.target);
  const { headers: given, subprotocols, origin, auth } = settings.headers;
  // -o and --auth are overrides of the recorded Origin and Authorization like any -H.
  const overrides: Array<[string, string]> = [
    ...given,
    ...(origin !== undefined ? [['Origin', origin] as [string, string]] : []),
    ...(auth !== undefined ? [['Authorization', `Basic ${Buffer.from(auth).toString('base64')}`] as [string, string]] : []),
  ];
  const handshake = replayHandshake(connection.handshake, overrides, subprotocols.length > 0 ? subprotocols : undefined);
  for (const name of handshake.redacted) printer.warn(`${tag}the recorded ${name} header was redacted, so it is not sent (give it with -H '${name}: ...')`);
  const base = clientOptions(
    {
      headers: { headers: [], subprotocols: [], ...(settings.headers.host !== undefined && { host: settings.headers.host }) },
      tls: settings.tls,
      heartbeat: {},
      compression: settings.compression,
      followRedirects: false,
      maxRedirects: 0,
    },
    passphrase,
  );
  const messages = connection.sent.length;
  printer.status(`${tag}replaying connection ${connection.id} (${messages} message${messages === 1 ? '' : 's'} to send) to ${redactUrlPasswords(url)}`);
  const result = await replayConnection(connection, {
    url,
    client: { ...base, headers: handshake.headers, protocols: handshake.protocols },
    speed: settings.speed,
    waitMs: settings.wait * 1000,
    onSocket: (socket: WebSocket) => view.attach(socket, several ? connection.id : undefined),
    onOpen: (socket: WebSocket) => {
      const negotiated = [socket.protocol && `, subprotocol ${socket.protocol}`, socket.extensions && `, ${socket.extensions}`].join('');
      printer.status(`${tag}connected to ${redactUrlPasswords(socket.url)}${negotiated}`);
    },
  });
  if (result.connectError) {
    const { line, exitCode } = await explainConnectError(url, result.connectError, false);
    printer.error(`${tag}${line}`);
    return exitCode;
  }
  const close = result.close!;
  printer.status(`${tag}${formatClose(close.code, close.reason)}`);
  const unsent = connection.sent.length - result.sent;
  if (unsent > 0) printer.warn(`${tag}${unsent} of ${connection.sent.length} recorded messages were not sent: the connection closed first`);
  if (!settings.compare) return exitCodeForClose(close.code, result.failedByUs);
  const difference = differenceOf(connection, result, settings.ignore);
  if (!difference) {
    const count = connection.replies.length;
    const closeToo = connection.close ? ' and the close code' : '';
    printer.status(`${tag}connection ${connection.id}: ${count} repl${count === 1 ? 'y' : 'ies'}${closeToo} match the recording`);
    return ExitCode.Normal;
  }
  printer.status(`${tag}connection ${connection.id}: ${difference.summary}`);
  for (const line of difference.detail) printer.detail(line);
  return ExitCode.ReplayMismatch;
}

function differenceOf(connection: RecordedConnection, result: ReplayResult, ignore: readonly string[]): Difference | undefined {
  return compareReplies(connection.replies, result.replies, ignore) ?? compareClose(connection.close, result.close!);
}
