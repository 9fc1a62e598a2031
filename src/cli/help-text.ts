/** Help text shared by every command's --help: one exit-code table (README has the same), slash commands, environment. */
import { EXIT_CODE_TABLE } from './exit-codes.js';
import { SLASH_HELP } from './slash-commands.js';

export function examples(rows: ReadonlyArray<[string, string]>): string {
  const width = 40;
  const lines = rows.map(([command, text]) =>
    command.length < width - 2 ? `  ${command.padEnd(width - 2)}${text}` : `  ${command}\n${' '.repeat(width)}${text}`,
  );
  return `Examples:\n${lines.join('\n')}`;
}

export const SLASH_COMMANDS_HELP = `Slash commands:\n${SLASH_HELP.map((line) => `  ${line}`).join('\n')}`;

export const EXIT_CODES_HELP = `Exit codes:\n${EXIT_CODE_TABLE.map(([code, text]) => `  ${String(code).padEnd(6)}${text}`).join('\n')}`;

export const ENVIRONMENT_HELP = `Environment: NO_COLOR disables colour; WSCOPE_HISTORY is the history file (default ~/.wscope_history,
empty: no history).`;
