/** The mock server's room: a scripted server read from the `mock:` section of a `*.wscope.yaml` file. */
export { loadMockFile } from './load-mock-file.js';
export type { Ending, MockConfig, Route } from './mock-config.js';
export type { MockClient, MockEvent, Report } from './mock-events.js';
export { MockServer, type MockServerOptions } from './mock-server.js';
export { MockFileError } from './read-mock.js';
export type { Outgoing } from './render-message.js';
export { watchFile } from './watch-file.js';
