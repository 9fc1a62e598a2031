/** The interactive graphql mode's commands, for --help (kept apart so --help loads no GraphQL). */
export const GRAPHQL_SLASH_HELP = [
  '/subscribe NAME QUERY  run QUERY (a subscription, query or mutation) named NAME on this connection',
  '/stop ID|NAME          stop a running operation (complete, or stop on graphql-ws)',
  '/operations            list the operations: id, name, state, results',
  '/quit                  stop every operation, close (1000) and exit',
  'QUERY                  a line that is not a command runs as an operation',
];
