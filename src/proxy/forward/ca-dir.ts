/** Where the forward proxy keeps its CA, apart from the CA code so the CLI's help loads no X.509 library. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_CONFIG_HOME/wscope/ca`, or `~/.config/wscope/ca` when XDG_CONFIG_HOME is unset (the XDG base directory default). */
export function defaultCaDir(env: NodeJS.ProcessEnv = process.env): string {
  const config = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(config, 'wscope', 'ca');
}
