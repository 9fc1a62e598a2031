/**
 * How GraphQL results look. At a terminal: a header with the operation's id, name and time,
 * then the result pretty-printed and coloured. In a pipe: one JSON line per result on stdout,
 * `data` and `errors` exactly as the server sent them; everything else is status on stderr.
 */
import type { GraphqlExecutionResult, GraphqlFormattedError } from '../../index.js';
import type { Operation } from '../../graphql/index.js';
import { formatJson, formatTimestamp } from '../format.js';
import type { Printer } from '../terminal/printer.js';

export class ResultView {
  constructor(private readonly printer: Printer) {}

  result(operation: Operation, result: GraphqlExecutionResult): void {
    this.show(operation, result, result.errors !== undefined && result.errors.length > 0 ? 'result with errors' : 'result');
  }

  /** An `error` message: the operation failed; in a pipe it is a line `{"errors":[...]}` like a result's. */
  error(operation: Operation, errors: GraphqlFormattedError[]): void {
    this.show(operation, { errors }, 'error');
  }

  private show(operation: Operation, result: GraphqlExecutionResult, what: string): void {
    const text = JSON.stringify(result);
    if (!this.printer.interactive) {
      this.printer.data(`${text}\n`);
      return;
    }
    const { colors } = this.printer;
    const name = operation.name ? ` ${operation.name}` : '';
    const head = `#${operation.id}${name} ${what} ${operation.results > 0 && what !== 'error' ? operation.results : ''}`.trimEnd();
    const paint = what === 'result' ? colors.incoming : colors.error;
    this.printer.incoming([`${paint(head)} ${colors.dim(formatTimestamp(new Date()))}`, ...(formatJson(text, colors) ?? [text])]);
  }
}
