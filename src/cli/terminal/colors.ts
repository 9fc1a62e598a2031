/** ANSI colours, off when NO_COLOR is set (https://no-color.org), with --no-color, or off a terminal. */
export interface Palette {
  enabled: boolean;
  incoming(text: string): string;
  outgoing(text: string): string;
  status(text: string): string;
  warning(text: string): string;
  error(text: string): string;
  dim(text: string): string;
  key(text: string): string;
  string(text: string): string;
  number(text: string): string;
  literal(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

export function palette(enabled: boolean): Palette {
  if (!enabled) {
    return {
      enabled,
      incoming: plain,
      outgoing: plain,
      status: plain,
      warning: plain,
      error: plain,
      dim: plain,
      key: plain,
      string: plain,
      number: plain,
      literal: plain,
    };
  }
  return {
    enabled,
    incoming: wrap(34, 39),
    outgoing: wrap(36, 39),
    status: wrap(32, 39),
    warning: wrap(33, 39),
    error: wrap(31, 39),
    dim: wrap(2, 22),
    key: wrap(36, 39),
    string: wrap(32, 39),
    number: wrap(33, 39),
    literal: wrap(35, 39),
  };
}

/** NO_COLOR: "when present and not an empty string ... prevents the addition of ANSI color". */
export function colorWanted(flag: boolean, isTty: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!flag) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTty;
}
