/**
 * The step kinds' names, for `wscope run --help`, without loading the steps (and with them YAML,
 * JSON Schema and the matchers) at every start. test/scenario/step-names.test.ts checks that this
 * list is the step table's, in its order.
 */
export const STEP_KIND_NAMES: readonly string[] = [
  'connect',
  'send',
  'expect',
  'waitFor',
  'expectNoMessage',
  'ping',
  'expectPong',
  'sleep',
  'close',
  'expectClose',
  'repeat',
  'every',
  'graphql',
  'grpc',
  'frame',
  'rawBytes',
  'sendFragmented',
  'sendSlowly',
  'invalidUtf8',
  'oversize',
  'closeWith',
  'abort',
  'stopReading',
  'resumeReading',
];
