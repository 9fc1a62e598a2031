/**
 * `wscope graphql serve`: load the schema and the fixtures (a bad file: one line, exit 12),
 * serve them, and write a line on stderr for each connection, operation and close, until
 * Ctrl-C or SIGTERM (then every client gets 1001 and the exit is 0).
 */
import { resolve } from 'node:path';
import {
  type GraphqlMockEvent,
  GraphqlMockFileError,
  GraphqlMockServer,
  loadMocksFile,
  loadSchemaFile,
  mockedSchema,
  NO_FIXTURES,
  SERVED_SUBPROTOCOLS,
} from '../graphql/mock/index.js';
import type { GraphqlServeSettings } from './commands/graphql-serve.js';
import { ExitCode } from './exit-codes.js';
import { formatClose } from './format.js';
import { escapeControls } from './terminal/escape.js';

export async function runGraphqlServe(settings: GraphqlServeSettings): Promise<ExitCode> {
  const line = (text: string) => process.stderr.write(`${escapeControls(text)}\n`);
  let server: GraphqlMockServer;
  try {
    const schema = loadSchemaFile(resolve(settings.schema));
    const fixtures = settings.mocks === undefined ? NO_FIXTURES : loadMocksFile(resolve(settings.mocks), schema);
    server = new GraphqlMockServer({
      schema: mockedSchema(schema, fixtures, { intervalMs: settings.intervalMs, count: settings.count }),
      server: { port: settings.port, host: settings.host },
      initTimeoutMs: settings.initTimeoutMs,
      report: (event) => line(describeEvent(event)),
    });
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      type ? [`${type.name}: ${Object.keys(type.getFields()).join(', ')}`] : [],
    );
    await server.server.ready().catch((error: Error) => {
      throw new ListenError(`cannot listen on ${settings.host} port ${settings.port}: ${error.message}`);
    });
    const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
    line(`graphql mock of ${settings.schema} on ws://${host}:${server.server.address().port}/ (${SERVED_SUBPROTOCOLS.join(', ')})`);
    line(`  ${roots.join('; ')}`);
  } catch (error) {
    if (error instanceof GraphqlMockFileError) {
      line(`error: ${error.message}`);
      return ExitCode.BadFile;
    }
    if (error instanceof ListenError) {
      line(`error: ${error.message}`);
      return ExitCode.ListenFailed;
    }
    throw error;
  }
  server.server.on('error', (error: Error) => line(`error: ${error.message}`));
  return new Promise<ExitCode>((done) => {
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(ExitCode.Normal);
      stopping = true;
      void server.close().then(() => done(ExitCode.Normal));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

class ListenError extends Error {}

/** One line for stderr: `#2 subscribe 1: subscription OnCount`. */
export function describeEvent(event: GraphqlMockEvent): string {
  const who = `#${event.client}`;
  switch (event.type) {
    case 'connection':
      return `${who} connected from ${peer(event.remoteAddress, event.remotePort)} ${event.path}, ${event.protocol}`;
    case 'unacceptable':
      return `${who} offered ${event.offered.length > 0 ? event.offered.join(', ') : 'no subprotocol'}, not ${SERVED_SUBPROTOCOLS.join(' or ')}: closing with 4406`;
    case 'init':
      return `${who} connection_init${event.payload ? ` ${JSON.stringify(event.payload)}` : ''}: acknowledged`;
    case 'operation':
      return `${who} ${event.id}: ${event.operation}${event.name ? ` ${event.name}` : ''}`;
    case 'rejected':
      return `${who} ${event.id}: ${event.stage} error: ${event.errors.map((error) => error.message).join('; ')}`;
    case 'finished': {
      const results = `${event.results} result${event.results === 1 ? '' : 's'}`;
      if (event.how === 'completed') return `${who} ${event.id}: complete after ${results}`;
      if (event.how === 'stopped') return `${who} ${event.id}: stopped by the client after ${results}`;
      return `${who} ${event.id}: failed after ${results}: ${event.error ?? ''}`;
    }
    case 'violation':
      return `${who} broke the protocol: closing with ${event.code} ${event.reason}`;
    case 'close':
      return `${who} ${formatClose(event.code, event.reason)}`;
  }
}

function peer(address: string | undefined, port: number | undefined): string {
  const plain = (address ?? '?').replace(/^::ffff:(?=\d+\.)/, '');
  return `${plain.includes(':') ? `[${plain}]` : plain}:${port}`;
}
