/** A gRPC command's operands: the server's HOST:PORT (optional when the schema comes from files) and what follows it. */
import { UsageError } from '../usage-error.js';

/** `host:port`, `[::1]:port` or `unix:/path`, as grpc-js takes a target. */
export function looksLikeAddress(text: string): boolean {
  return /^unix:/.test(text) || /^(\[[0-9a-fA-F:.]+\]|[^\s/:[\]]+):\d{1,5}$/.test(text);
}

/**
 * Split `[HOST:PORT] [REST...]`. Without a schema file the address is needed (reflection asks the
 * server); with one, a first operand that is not an address is the first of the rest.
 */
export function splitOperands(operands: readonly string[], fromFiles: boolean, restCount: number): { target?: string; rest: string[] } {
  const [first, ...others] = operands;
  if (first !== undefined && (looksLikeAddress(first) || operands.length > restCount)) {
    if (!looksLikeAddress(first)) throw new UsageError(`'${first}' is not a server address: expected HOST:PORT`);
    return { target: first, rest: others };
  }
  if (!fromFiles) throw new UsageError('a server address HOST:PORT is needed (or a schema from --proto FILE or --protoset FILE)');
  return { rest: [...operands] };
}
