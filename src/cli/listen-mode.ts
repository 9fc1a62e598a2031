/**
 * `wscope listen PORT` (`wscope -l PORT`): a server for many clients at once. Each gets an ID (#1, #2...); typed lines
 * go to every client, `/to ID line` to one; --echo and --broadcast turn it into a test peer.
 */
import type { Buffer } from 'node:buffer';
import { type HandshakeRequest, traceConnectionId, type WebSocket, WebSocketServer } from '../index.js';
import type { ListenSettings } from './commands/listen.js';
import { echoMessages } from './echo.js';
import { ExitCode } from './exit-codes.js';
import { formatClose } from './format.js';
import { type ComposerLink, type ComposerSend, socketCommandFor } from './inspecting.js';
import type { Output } from './output.js';
import { type LineTarget, runLine } from './run-line.js';
import { runSocketCommand, type SocketCommand } from './slash-commands.js';
import { serverOptions } from './socket-options.js';
import { readRecords } from './stdin-records.js';
import { LineEditor } from './terminal/line-editor.js';

interface Client {
  id: number;
  socket: WebSocket;
  request: HandshakeRequest;
}

/** `composer`: with --inspect, the page's composer sends to one client (by its trace id) or all. */
export async function runListen(
  settings: ListenSettings,
  { printer, view }: Output,
  passphrase: string | undefined,
  composer?: ComposerLink,
): Promise<ExitCode> {
  const options = serverOptions(settings, passphrase);
  const { interactive } = printer;
  const scheme = options.tls ? 'wss' : 'ws';
  const clients = new Map<number, Client>();
  let nextId = 1;
  let finish!: (code: ExitCode) => void;
  const finished = new Promise<ExitCode>((resolve) => (finish = resolve));
  const server = new WebSocketServer(options);
  let listening = false;

  server.on('error', (error: Error) => {
    if (listening) {
      printer.error(error.message);
      return;
    }
    printer.error(`cannot listen on port ${settings.port}: ${error.message}`);
    finish(ExitCode.ListenFailed);
  });
  server.on('listening', () => {
    listening = true;
    const { port } = server.address();
    const host = settings.headers.host ?? 'localhost';
    const hint = interactive ? ' (press Ctrl-C to quit)' : '';
    const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${settings.path ?? '/'}`;
    printer.status(`listening on port ${port}: ${url}${hint}`);
    // A newcomer's next step: the other end of the seed's two commands.
    if (interactive) printer.detail(`connect from another terminal: wscope connect ${url}   (type a line to send it to every client; /help lists commands)`);
  });
  server.on('rejected', (error: Error & { status?: number }, request: HandshakeRequest | undefined) => {
    const who = request ? `${peerAddress(request)} ${request.url}` : 'a client';
    printer.warn(`rejected ${who}: ${error.status ?? ''} ${error.message}`.replace('  ', ' '));
  });
  server.on('connection', (socket: WebSocket, request: HandshakeRequest) => {
    const client: Client = { id: nextId++, socket, request };
    clients.set(client.id, client);
    const label = `#${client.id} `;
    const negotiated = [socket.protocol && `, subprotocol ${socket.protocol}`, socket.extensions && `, ${socket.extensions}`].join('');
    printer.status(`${label}connected from ${peerAddress(request)} ${request.url}${negotiated}`);
    if (settings.showHeaders) printer.detail(formatHeaders(request));
    view.attach(socket, client.id);
    if (settings.interaction.echo) echoMessages(socket);
    if (settings.broadcast) {
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        for (const other of clients.values())
          if (other !== client && other.socket.readyState === other.socket.OPEN) other.socket.send(data, { binary: isBinary });
      });
    }
    socket.on('error', (error: Error & { code?: string }) => {
      printer.error(`${label}${error.name === 'ProtocolError' ? `protocol error: ${error.message} (${error.code})` : error.message}`);
    });
    socket.on('heartbeat-timeout', (reason: string) => printer.warn(`${label}heartbeat: ${reason}`));
    socket.on('close', (code: number, reason: string) => {
      clients.delete(client.id);
      printer.status(`${label}${formatClose(code, reason)}`);
    });
  });

  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(ExitCode.Normal);
    stopping = true;
    if (clients.size > 0) printer.status(`closing ${clients.size} client${clients.size === 1 ? '' : 's'} (1001 Going Away)`);
    void server.close(1001, 'server shutting down').then(() => finish(ExitCode.Normal));
  };

  const send = (targets: Iterable<Client>, command: SocketCommand) => {
    let sent = 0;
    for (const client of targets) {
      if (client.socket.readyState !== client.socket.OPEN) continue;
      try {
        runSocketCommand(client.socket, command, { raw: settings.interaction.raw, mask: false });
        sent++;
      } catch (error) {
        printer.error(`#${client.id}: ${(error as Error).message}`);
      }
    }
    if (sent === 0 && clients.size === 0) printer.warn('no client connected: not sent');
  };

  const targetFor = (slash: boolean, targets: () => Iterable<Client>): LineTarget => ({
    send: (command) => send(targets(), command),
    quit: stop,
    clients: {
      to: (id, line) => {
        const client = clients.get(id);
        if (client)
          runLine(
            line,
            slash,
            targetFor(slash, () => [client]),
            printer,
          );
        else printer.error(`no client #${id} (see /clients)`);
      },
      list: () =>
        printer.status(
          clients.size === 0 ? 'no client connected' : [...clients.values()].map((c) => `#${c.id} ${peerAddress(c.request)} ${c.request.url}`).join('\n'),
        ),
      headers: (id) => {
        const client = clients.get(id);
        if (client) printer.detail(formatHeaders(client.request));
        else printer.error(`no client #${id} (see /clients)`);
      },
    },
  });

  const composed: ComposerSend = (to, message) => {
    const all = [...clients.values()];
    const targets = to === 'all' ? all : all.filter((client) => traceConnectionId(client.socket) === to);
    if (targets.length === 0) throw new Error(to === 'all' ? 'no client connected: nothing sent' : `no client on connection ${to}: it has gone`);
    const open = targets.filter((client) => client.socket.readyState === client.socket.OPEN);
    if (open.length === 0) throw new Error(to === 'all' ? 'no client is open: nothing sent' : 'that client is closing: nothing sent');
    const command = socketCommandFor(message);
    for (const client of open) runSocketCommand(client.socket, command, { raw: false, mask: false });
  };
  composer?.serve(composed);

  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (interactive) {
    const target = targetFor(true, () => clients.values());
    const editor = new LineEditor(printer, { line: (line) => runLine(line, true, target, printer), end: stop });
    const code = await finished;
    editor.close();
    return code;
  }
  // Piped stdin feeds lines to the clients; its end does not stop the server (a server started
  // in the background of a script has an empty stdin), only a signal or /quit does.
  const { slash } = settings.interaction;
  const target = targetFor(slash, () => clients.values());
  void (async () => {
    try {
      for await (const record of readRecords(process.stdin, settings.output.nullSeparated ? 0x00 : 0x0a))
        runLine(record.toString('utf8'), slash, target, printer);
    } catch {
      // No readable stdin (closed descriptor): nothing to send, keep serving.
    }
  })();
  return finished;
}

/** `127.0.0.1:5000`, without the `::ffff:` of IPv4 clients on a dual-stack socket. */
function peerAddress(request: HandshakeRequest): string {
  const address = (request.remoteAddress ?? '?').replace(/^::ffff:(?=\d+\.)/, '');
  return `${address.includes(':') ? `[${address}]` : address}:${request.remotePort}`;
}

function formatHeaders(request: HandshakeRequest): string {
  return [`${request.method} ${request.url}`, ...request.rawHeaders.map(([name, value]) => `  ${name}: ${value}`)].join('\n');
}
