/** `wscope graphql URL --schema [--http URL]`: the server's schema as SDL on stdout. */
import { Buffer } from 'node:buffer';
import { INTROSPECTION_QUERY, IntrospectionError, introspectOverHttp, schemaSdl } from '../../graphql/index.js';
import type { GraphqlExecutionResult } from '../../index.js';
import { ExitCode } from '../exit-codes.js';
import type { Printer } from '../terminal/printer.js';
import { startGraphqlSession } from './graphql-mode.js';
import type { GraphqlSettings } from './settings.js';

function httpHeaders(settings: GraphqlSettings): Array<[string, string]> {
  const { headers, auth } = settings.headers;
  return auth === undefined ? headers : [...headers, ['authorization', `Basic ${Buffer.from(auth).toString('base64')}`]];
}

/** The introspection result over the WebSocket: one operation, then close. */
async function introspectOverWebSocket(
  settings: GraphqlSettings,
  printer: Printer,
  passphrase: string | undefined,
): Promise<{ result?: GraphqlExecutionResult; exit: ExitCode }> {
  let result: GraphqlExecutionResult | undefined;
  const run = startGraphqlSession(settings, printer, passphrase, {
    settled: () => run.session.close(1000),
    // The result becomes SDL: kept from stdout, printed once converted.
    result: (_operation, r) => {
      result = r;
    },
  });
  run.session.subscribe({ query: INTROSPECTION_QUERY, operationName: 'IntrospectionQuery' });
  const exit = await run.finished;
  return { ...(result && { result }), exit };
}

export async function printSchema(settings: GraphqlSettings, printer: Printer, passphrase: string | undefined): Promise<ExitCode> {
  let result: GraphqlExecutionResult | undefined;
  try {
    if (settings.http !== undefined) result = await introspectOverHttp(settings.http, httpHeaders(settings));
    else {
      const answer = await introspectOverWebSocket(settings, printer, passphrase);
      if (!answer.result) return answer.exit === ExitCode.Normal ? ExitCode.GraphqlErrors : answer.exit;
      result = answer.result;
    }
    printer.data(`${schemaSdl(result)}\n`);
    return ExitCode.Normal;
  } catch (error) {
    if (!(error instanceof IntrospectionError)) throw error;
    printer.error(error.message);
    return error.graphqlErrors ? ExitCode.GraphqlErrors : ExitCode.ConnectFailed;
  }
}
