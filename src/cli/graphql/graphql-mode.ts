/**
 * `wscope graphql URL -q QUERY`: check the query, connect, run it on whichever subprotocol the
 * server speaks, print each result, and stop after -n results, on complete, on --timeout, or on
 * Ctrl-C (complete/stop first, then close 1000). The exit code says how it went.
 */
import { formatCloseCode, type GraphqlExecutionResult, redactUrlPasswords } from '../../index.js';
import { ACK_TIMEOUT_CLOSE_CODE, checkQuery, GRAPHQL_PROTOCOLS, GraphqlSession, type Operation, QueryError, type SessionEnd } from '../../graphql/index.js';
import { explainConnectError } from '../connect-problems.js';
import { ExitCode, exitCodeForClose } from '../exit-codes.js';
import { formatClose, formatFrame } from '../format.js';
import { clientOptions } from '../socket-options.js';
import type { Printer } from '../terminal/printer.js';
import { ResultView } from './result-view.js';
import { DEFAULT_ACK_TIMEOUT_S, type GraphqlSettings } from './settings.js';

export interface SessionHooks {
  acknowledged?(): void;
  /** An operation is over for the user: completed, failed, or -n results reached. */
  settled?(operation: Operation): void;
  /** Take each result instead of printing it (--schema prints SDL, not the JSON). */
  result?(operation: Operation, result: GraphqlExecutionResult): void;
}

export interface GraphqlRun {
  session: GraphqlSession;
  /** Resolves with the exit code once the connection is over. */
  finished: Promise<ExitCode>;
}

/** The session for these settings, printing what happens; operations are added by the caller. */
export function startGraphqlSession(settings: GraphqlSettings, printer: Printer, passphrase: string | undefined, hooks: SessionHooks = {}): GraphqlRun {
  const view = new ResultView(printer);
  let graphqlErrors = false;
  const ackTimeout = settings.timeout ?? DEFAULT_ACK_TIMEOUT_S;
  const client = clientOptions(settings, passphrase);
  const session = new GraphqlSession(
    {
      url: settings.url,
      client,
      protocols: settings.protocol === 'auto' ? GRAPHQL_PROTOCOLS : [settings.protocol],
      ...(settings.init && { initPayload: settings.init }),
      ackTimeoutMs: ackTimeout * 1000,
    },
    {
      connecting(socket) {
        if (settings.showFrames) socket.on('frame', (frame) => printer.detail(formatFrame(frame)));
      },
      fallback: (from, code, to) =>
        printer.status(`the server agreed ${from}, then closed with ${formatCloseCode(code, from)} before connection_ack: trying ${to}`),
      open(protocol, assumed) {
        const how = assumed
          ? `the server named no subprotocol; speaking ${protocol}`
          : settings.protocol === 'auto'
            ? `the server chose ${protocol}`
            : `subprotocol ${protocol}`;
        printer.status(`connected to ${redactUrlPasswords(settings.url)} (${how})${printer.interactive ? ' (press Ctrl-C to quit)' : ''}`);
      },
      ack(payload) {
        printer.detail(`connection acknowledged${payload ? ` ${JSON.stringify(payload)}` : ''}`);
        hooks.acknowledged?.();
      },
      result(operation, result) {
        if (result.errors && result.errors.length > 0) graphqlErrors = true;
        if (hooks.result) hooks.result(operation, result);
        else view.result(operation, result);
        if (settings.count !== undefined && operation.results >= settings.count) {
          session.stop(operation.id);
          hooks.settled?.(operation);
        }
      },
      error(operation, errors) {
        graphqlErrors = true;
        view.error(operation, errors);
        if (!printer.interactive) printer.status(`#${operation.id} failed: ${errors.map((e) => e.message).join('; ')}`);
        hooks.settled?.(operation);
      },
      complete(operation) {
        printer.status(`#${operation.id} complete after ${operation.results} result${operation.results === 1 ? '' : 's'}`);
        hooks.settled?.(operation);
      },
      stray: (text) => printer.warn(`ignored: ${text}`),
    },
  );
  session.start();
  const finished = session.finished.then((end) => outcome(end, settings, printer, client.proxy !== undefined, ackTimeout, graphqlErrors));
  return { session, finished };
}

async function outcome(
  end: SessionEnd,
  settings: GraphqlSettings,
  printer: Printer,
  proxied: boolean,
  ackTimeout: number,
  graphqlErrors: boolean,
): Promise<ExitCode> {
  if (end.connectError) {
    const { line, exitCode } = await explainConnectError(settings.url, end.connectError, proxied);
    printer.error(line);
    return exitCode;
  }
  if (end.ackTimedOut)
    printer.error(`no connection_ack within ${ackTimeout} s: the server did not accept connection_init (closing with ${ACK_TIMEOUT_CLOSE_CODE})`);
  if (end.invalidMessage) printer.error(`the server sent an invalid ${end.subprotocol || 'GraphQL'} message: ${end.invalidMessage}`);
  if (end.refused) printer.error(`the server refused connection_init: ${end.refused}`);
  printer.status(formatClose(end.code, end.reason, end.subprotocol));
  if (end.code === 4406 && settings.protocol !== 'auto') printer.warn(`the server does not accept ${settings.protocol}: try --protocol auto`);
  if (end.refused || end.ackTimedOut) return ExitCode.ClosedWithError;
  if (end.invalidMessage) return ExitCode.ProtocolError;
  const closed = exitCodeForClose(end.code, end.protocolError);
  if (closed !== ExitCode.Normal) return closed;
  return graphqlErrors ? ExitCode.GraphqlErrors : ExitCode.Normal;
}

/** One operation from -q: checked first (nothing is sent when it does not parse), then run until it settles. */
export async function runGraphqlOperation(settings: GraphqlSettings, printer: Printer, passphrase: string | undefined): Promise<ExitCode> {
  const operation = settings.operation!;
  try {
    checkQuery(operation.query, operation.operationName ?? undefined);
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    printer.error(`-q: ${error.message}; nothing was sent`);
    return ExitCode.Usage;
  }
  // --timeout bounds the wait for connection_ack (the session's timer), then how long the operation runs.
  let timer: NodeJS.Timeout | undefined;
  const run = startGraphqlSession(settings, printer, passphrase, {
    acknowledged() {
      if (settings.timeout !== undefined) timer = setTimeout(() => run.session.close(1000), settings.timeout * 1000);
    },
    settled: () => run.session.close(1000),
  });
  run.session.subscribe(operation);
  let signalled = false;
  const stop = () => {
    // A second Ctrl-C does not wait for the closing handshake.
    if (signalled) process.exit(130);
    signalled = true;
    run.session.close(1000);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await run.finished;
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
