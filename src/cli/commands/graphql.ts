/** `wscope graphql URL -q QUERY`: GraphQL queries, mutations and subscriptions over WebSocket, either subprotocol. */
import { type Command, Option } from 'commander';
import { GRAPHQL_SLASH_HELP } from '../graphql/slash-help.js';
import { PROTOCOL_CHOICES, readGraphqlSettings } from '../graphql/settings.js';
import { compressionFlags, headerFlags, heartbeatFlags, inspectFlags, integer, type RawOptions, recordingFlags, seconds, tlsFlags } from '../flags.js';
import { DEFAULT_MAX_REDIRECTS } from './connect.js';
import { defineGraphqlServe } from './graphql-serve.js';
import { ENVIRONMENT_HELP, EXIT_CODES_HELP, examples } from '../help-text.js';
import type { Subcommand } from './subcommand.js';

const GRAPHQL_HELP = `
${examples([
  ["wscope graphql ws://localhost:4000/graphql -q 'subscription { count }' -n 3", 'three results, then complete and close'],
  ["wscope graphql ws://localhost:4000/graphql -q 'query { hello }' | jq .data", 'pipe mode: one JSON result per line on stdout'],
  [
    'wscope graphql wss://api.example/graphql --init \'{"token":"T"}\' -q \'subscription($id: ID!) { order(id: $id) { state } }\' -v \'{"id":7}\'',
    'connection_init payload and variables',
  ],
  ['wscope graphql ws://localhost:4000/graphql --schema', 'the schema as SDL, by introspection'],
])}

Protocols: --protocol auto (the default) offers graphql-transport-ws (the graphql-ws library's) and
graphql-ws (the legacy subscriptions-transport-ws) and speaks the one the server chooses.
No connection_ack within --timeout seconds (default 10): wscope closes with 4408 and exits 8.
A server message that is not valid for the protocol: wscope closes with 4400 and exits 7.

At a terminal without -q, several operations share one connection:
${GRAPHQL_SLASH_HELP.map((line) => `  ${line}`).join('\n')}

${EXIT_CODES_HELP}

${ENVIRONMENT_HELP}`;

/** The connect flags graphql shares: the handshake, TLS, proxy, redirects, heartbeat, compression. */
function addConnectionFlags(command: Command): void {
  headerFlags.add(command, 'client', { protocolVersion: false });
  const group = 'Connection:';
  command.addOption(new Option('-L, --location', 'follow redirects').helpGroup(group));
  command.addOption(
    new Option('--max-redirects [num]', 'maximum number of redirects allowed').argParser(integer(0, 1000)).default(DEFAULT_MAX_REDIRECTS).helpGroup(group),
  );
  command.addOption(new Option('--proxy <[protocol://]host[:port]>', 'connect via an HTTP proxy that supports CONNECT').helpGroup(group));
  tlsFlags.add(command, 'client', { shortNoCheck: false });
  heartbeatFlags.add(command);
  compressionFlags.add(command, 'client');
}

export const graphqlCommand: Subcommand = {
  name: 'graphql',
  summary: 'GraphQL queries, mutations and subscriptions over WebSocket (graphql-transport-ws or graphql-ws)',
  define(command, schedule) {
    command
      .description('Run GraphQL operations over WebSocket, on whichever subprotocol the server speaks; at a terminal without -q, several at once.')
      .argument('[url]', 'ws:// or wss:// URL of the GraphQL endpoint')
      .usage('<url> [-q query] [options]');
    const group = 'GraphQL:';
    const add = (option: Option) => command.addOption(option.helpGroup(group));
    add(new Option('-q, --query <query>', 'the query, mutation or subscription to run (checked before connecting)'));
    add(new Option('-v, --variables <json>', "the operation's variables, a JSON object"));
    add(new Option('--variables-file <file>', 'the variables from a JSON file'));
    add(new Option('--operation-name <name>', 'which operation of the document to run'));
    add(new Option('--init <json>', "connection_init's payload, a JSON object (a token, say)"));
    add(new Option('--protocol <protocol>', "the subprotocol; auto offers both and uses the server's choice").choices(PROTOCOL_CHOICES).default('auto'));
    add(new Option('-n, --count <n>', 'stop after n results (complete is sent)').argParser(integer(1, 1_000_000_000)));
    add(new Option('--timeout <s>', 'seconds to wait for connection_ack (default 10), then for the operation to finish').argParser(seconds(false)));
    add(new Option('--schema', "print the server's schema as SDL, by introspection"));
    add(new Option('--http <url>', 'with --schema: introspect with an HTTP POST to this URL instead'));
    addConnectionFlags(command);
    const output = 'Output:';
    command.addOption(new Option('--no-color', 'run without color').helpGroup(output));
    command.addOption(new Option('--timestamps', 'print the time of every line').helpGroup(output));
    command.addOption(new Option('--show-frames', 'print every frame: opcode, fin, rsv, mask, length').helpGroup(output));
    recordingFlags.add(command);
    inspectFlags.add(command);
    command.addHelpText('after', GRAPHQL_HELP);
    command.action((url: string | undefined, raw: RawOptions) =>
      schedule(async () => {
        const settings = readGraphqlSettings(url, raw);
        // The graphql library and the session load only when an operation runs.
        const { runGraphql } = await import('../graphql/run.js');
        return runGraphql(settings);
      }),
    );
    // `wscope graphql serve SCHEMA` (the mock server) is a subcommand of this one: commander
    // dispatches an operand `serve` to it even though this command has an action and a [url].
    defineGraphqlServe(command, schedule);
  },
};
