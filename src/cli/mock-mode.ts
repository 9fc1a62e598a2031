/**
 * `wscope mock FILE`: serve the file's `mock:` section and log what happens, as listen mode does
 * (incoming messages through the same views: `< #1 ...` at a terminal, `#1 ...` records in a
 * pipe), plus what the script sent and why; reload the file whenever it changes.
 */
import { resolve } from 'node:path';
import { formatCloseCode } from '../index.js';
import { type Ending, loadMockFile, type MockConfig, type MockEvent, MockFileError, MockServer, type Outgoing, type Route, watchFile } from '../mock/index.js';
import type { MockSettings } from './commands/mock.js';
import { EnvironmentError } from '../scenario/run-files.js';
import { ExitCode } from './exit-codes.js';
import { formatClose } from './format.js';
import type { Output } from './output.js';
import { UsageError } from './usage-error.js';

export async function runMock(settings: MockSettings, { printer, view }: Output): Promise<ExitCode> {
  const file = resolve(settings.file);
  let config: MockConfig;
  try {
    config = loadMockFile(file, settings.env);
  } catch (error) {
    if (error instanceof EnvironmentError) throw new UsageError(`--env ${settings.env}: ${error.message}`);
    if (!(error instanceof MockFileError)) throw error;
    printer.error(error.message);
    return ExitCode.BadFile;
  }

  const report = (event: MockEvent): void => {
    switch (event.type) {
      case 'connection': {
        const { socket, request, id, pattern } = event.client;
        const via = pattern === request.path ? '' : `, route ${pattern}`;
        printer.status(
          `#${id} connected from ${peer(request.remoteAddress, request.remotePort)} ${request.url}${via}${socket.protocol && `, subprotocol ${socket.protocol}`}`,
        );
        view.attach(socket, id);
        return;
      }
      case 'rejected':
        printer.warn(
          `rejected ${event.request ? `${peer(event.request.remoteAddress, event.request.remotePort)} ${event.request.url}` : 'a client'}: ${event.status} ${event.message}`,
        );
        return;
      case 'sent': {
        const how = [
          event.delayedMs > 0 && `after ${event.delayedMs} ms`,
          event.frames !== undefined && `in ${event.frames} frame${event.frames === 1 ? '' : 's'}`,
        ].filter(Boolean);
        printer.detail(`> #${event.client.id} ${summary(event.message)}${how.length > 0 ? ` (${how.join(', ')})` : ''}`);
        return;
      }
      case 'dropped':
        printer.detail(`#${event.client.id} dropped (drop:): ${summary(event.message)}`);
        return;
      case 'unmatched':
        printer.detail(`#${event.client.id} no rule matched`);
        return;
      case 'ending':
        printer.status(`#${event.client.id} ${describeEnding(event.ending)} (${event.why})`);
        return;
      case 'problem':
        printer.error(`#${event.client.id} ${event.error.message}`);
        return;
      case 'close':
        printer.status(`#${event.client.id} ${formatClose(event.code, event.reason)}`);
        return;
    }
  };

  const mock = new MockServer({
    config,
    server: {
      port: settings.port,
      host: settings.host,
      ...(!settings.compression.compression && { perMessageDeflate: false }),
      ...(settings.compression.maxPayload !== undefined && { maxMessageSize: settings.compression.maxPayload }),
    },
    report,
  });
  try {
    await mock.server.ready();
  } catch (error) {
    printer.error(`cannot listen on ${settings.host} port ${settings.port}: ${(error as Error).message}`);
    return ExitCode.ListenFailed;
  }
  mock.server.on('error', (error: Error) => printer.error(error.message));
  const { port } = mock.server.address();
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  printer.status(`mock server for ${settings.file} on ws://${host}:${port}${printer.interactive ? ' (press Ctrl-C to quit)' : ''}`);
  printRoutes(printer.status.bind(printer), config.routes, `ws://${host}:${port}`);

  const stopWatching = watchFile(file, () => {
    try {
      const next = loadMockFile(file, settings.env);
      mock.reload(next);
      printer.status(`reloaded ${settings.file}: ${next.routes.map((r) => r.pattern).join(', ')}`);
    } catch (error) {
      if (!(error instanceof MockFileError || error instanceof EnvironmentError)) throw error;
      printer.error(`${error.message} (still serving the previous version)`);
    }
  });

  return new Promise<ExitCode>((done) => {
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(ExitCode.Normal);
      stopping = true;
      stopWatching();
      void mock.close().then(() => done(ExitCode.Normal));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function printRoutes(print: (line: string) => void, routes: readonly Route[], base: string): void {
  for (const route of routes) {
    const parts = [
      route.protocols && `subprotocols ${route.protocols.join(', ')}`,
      route.onConnect.length > 0 && `${route.onConnect.length} on connect`,
      `${route.rules.length} rule${route.rules.length === 1 ? '' : 's'}`,
      route.pushes.length > 0 && `${route.pushes.length} push${route.pushes.length === 1 ? '' : 'es'}`,
      route.closeAfter && `closes after ${route.closeAfter.messages} message${route.closeAfter.messages === 1 ? '' : 's'}`,
      route.unmatched && 'answers unmatched messages',
    ].filter(Boolean);
    print(`  ${base}${route.pattern}  ${parts.join('; ')}`);
  }
}

function describeEnding(ending: Ending): string {
  if (ending.kind === 'abort') return 'cutting the connection (abort: no Close frame)';
  if (ending.code === undefined) return 'closing (a Close frame without a code)';
  return `closing with ${formatCloseCode(ending.code)}${ending.reason ? `: ${JSON.stringify(ending.reason)}` : ''}`;
}

/** One line for a message that left: text as it is (the printer escapes controls), binary as its size and first bytes. */
function summary(message: Outgoing): string {
  if (!message.binary) return message.payload.toString('utf8').replace(/\n/g, '\\n');
  const head = message.payload.subarray(0, 32).toString('hex');
  return `[binary ${message.payload.length} B] ${head}${message.payload.length > 32 ? '…' : ''}`;
}

function peer(address: string | undefined, port: number | undefined): string {
  const plain = (address ?? '?').replace(/^::ffff:(?=\d+\.)/, '');
  return `${plain.includes(':') ? `[${plain}]` : plain}:${port}`;
}
