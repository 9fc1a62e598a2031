/** The GraphQL mock server's room: a schema, optional fixtures, both subprotocols on one port. */
export { GraphqlMockFileError } from './file-error.js';
export { loadSchemaFile, schemaFromSdl } from './schema-file.js';
export { loadMocksFile, readMocks, MOCKS_FILE_SCHEMA, NO_FIXTURES, type MockFixtures } from './mocks-file.js';
export { mockedSchema, type EventPacing } from './mocked-schema.js';
export { GraphqlMockServer, SERVED_SUBPROTOCOLS, type GraphqlMockServerOptions } from './graphql-mock-server.js';
export type { GraphqlMockEvent, SessionEvent } from './mock-events.js';
