/**
 * Persistent line history, like a shell's: one entry per line, oldest first, in $WSCOPE_HISTORY
 * or ~/.wscope_history. Appended as lines are typed, so a crash loses nothing.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HISTORY_SIZE = 1000;

/** The history file; undefined when WSCOPE_HISTORY is set to the empty string (no history). */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env['WSCOPE_HISTORY'];
  if (fromEnv !== undefined) return fromEnv === '' ? undefined : fromEnv;
  return join(homedir(), '.wscope_history');
}

/** Entries newest first, as readline wants them; a missing or unreadable file is an empty history. */
export function loadHistory(path: string, limit = HISTORY_SIZE): string[] {
  let lines: string[];
  try {
    lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  } catch {
    return [];
  }
  if (lines.length > 2 * limit) {
    lines = lines.slice(-limit);
    try {
      writeFileSync(path, `${lines.join('\n')}\n`);
    } catch {
      // A read-only history still works for this session.
    }
  }
  return lines.slice(-limit).reverse();
}

export class HistoryWriter {
  private last: string | undefined;

  constructor(
    private readonly path: string,
    newest: string | undefined,
  ) {
    this.last = newest;
  }

  add(line: string): void {
    if (line.trim() === '' || line === this.last) return;
    this.last = line;
    try {
      appendFileSync(this.path, `${line}\n`, { mode: 0o600 });
    } catch {
      // History is a convenience: never let it break the session.
    }
  }
}
