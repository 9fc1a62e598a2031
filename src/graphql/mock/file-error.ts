/** A schema or mocks file that cannot be served: one line, `file:line:column: what` (exit 12). */
export class GraphqlMockFileError extends Error {
  override readonly name = 'GraphqlMockFileError';
}
