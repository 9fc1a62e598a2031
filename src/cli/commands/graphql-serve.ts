/**
 * `wscope graphql serve SCHEMA.graphql --port P`: a GraphQL-over-WebSocket server made up from a
 * schema — both subprotocols on one port, mocked values that fit the types, fixtures from
 * `--mocks`, subscriptions that tick. A subcommand of `wscope graphql` (commands/graphql.ts
 * calls defineGraphqlServe).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../../templating/duration.js';
import { integer, type RawOptions } from '../flags.js';
import { EXIT_CODES_HELP, examples } from '../help-text.js';
import { parsePort } from './listen.js';
import type { Schedule } from './subcommand.js';

export interface GraphqlServeSettings {
  schema: string;
  port: number;
  host: string;
  mocks: string | undefined;
  intervalMs: number;
  count: number;
  /** graphql-transport-ws: how long a client may take to send connection_init (4408 after). */
  initTimeoutMs: number;
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('expected a duration above 0: 500ms, 2s, 1m (a number is seconds)');
  return ms;
}

const SERVE_HELP = `
${examples([
  ['wscope graphql serve schema.graphql --port 4000', 'both protocols on ws://127.0.0.1:4000/ (any path)'],
  ['wscope graphql serve schema.graphql -p 4000 --mocks mocks.yaml', "fixtures for types, fields and subscriptions' events"],
  ['wscope graphql serve schema.graphql -p 0 --interval 200ms --count 10', 'any free port; subscriptions send 10 events, 200 ms apart'],
])}

The subprotocol the client offers picks the protocol: graphql-transport-ws (the graphql-ws library,
preferred when both are offered) or the legacy graphql-ws (subscriptions-transport-ws). A client that
offers neither is closed with 4406, as graphql-ws's server does. Every connection and operation is a
line on stderr. The --mocks file (YAML or JSON; see docs/graphql-mock.md):

  types:
    User: { name: Ada }          # an object type's fields; a scalar or enum: its value
  subscriptions:
    userJoined: [ { name: Grace }, { name: Linus } ]   # the events, in order, then complete

${EXIT_CODES_HELP}`;

export function defineGraphqlServe(graphql: Command, schedule: Schedule): void {
  const command = graphql
    .command('serve')
    .summary('a mock GraphQL server over WebSocket, made up from a schema')
    .description('Serve a GraphQL schema over WebSocket (graphql-transport-ws and graphql-ws) with mocked values, fixtures and timed subscriptions.')
    .argument('<schema>', 'the schema, in GraphQL SDL (schema.graphql)')
    .usage('<schema> --port <port> [options]');
  const group = 'Serving:';
  command.addOption(new Option('-p, --port <port>', 'the port (0: any free port)').argParser(parsePort).default(4000).helpGroup(group));
  command.addOption(new Option('--host <host>', 'the address to listen on').default('127.0.0.1').helpGroup(group));
  command.addOption(new Option('--mocks <file>', 'fixtures (YAML or JSON): values per type and field, events per subscription').helpGroup(group));
  command.addOption(
    new Option('--interval <duration>', 'time between two events of a subscription (and before the first)')
      .argParser(duration)
      .default(1000, '1s')
      .helpGroup(group),
  );
  command.addOption(
    new Option('--count <n>', 'events a subscription sends before it completes (its fixture list, when given, instead)')
      .argParser(integer(1, 1_000_000))
      .default(3)
      .helpGroup(group),
  );
  command.addOption(
    new Option('--init-timeout <duration>', 'graphql-transport-ws: close with 4408 when connection_init has not come in this time')
      .argParser(duration)
      .default(3000, '3s')
      .helpGroup(group),
  );
  command.addHelpText('after', SERVE_HELP);
  command.action((schema: string, raw: RawOptions) =>
    schedule(async () => {
      const settings: GraphqlServeSettings = {
        schema,
        port: raw['port'] as number,
        host: raw['host'] as string,
        mocks: raw['mocks'] as string | undefined,
        intervalMs: raw['interval'] as number,
        count: raw['count'] as number,
        initTimeoutMs: raw['initTimeout'] as number,
      };
      // Loaded when the command runs: graphql and @graphql-tools would add to every other command's start-up.
      const { runGraphqlServe } = await import('../graphql-serve-mode.js');
      return runGraphqlServe(settings);
    }),
  );
}
