/** What main.ts needs of each subcommand: its name and a way to fill in its commander Command. */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';

/**
 * Hands main.ts the work a parsed command line asks for. The work runs after commander is done,
 * so a UsageError thrown while reading the flags is reported like commander's own errors.
 */
export type Schedule = (work: () => Promise<ExitCode>) => void;

export interface Subcommand {
  name: string;
  /** One line for the list of commands in `wscope --help`. */
  summary: string;
  /** Add arguments, options, help and the action to `command`, which main.ts created (so it inherits the output settings). */
  define(command: Command, schedule: Schedule): void;
}
