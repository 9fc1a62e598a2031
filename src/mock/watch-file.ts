/**
 * Call back when a file's content changes. The directory is watched, not the file: editors often
 * save by writing a new file and renaming it over the old one, which ends a watch on the file
 * itself. Bursts of events (one save can be several writes) are settled for `settleMs`, and a
 * save that leaves the content as it was is no change.
 */
import { readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export function watchFile(file: string, changed: () => void, settleMs = 60): () => void {
  const name = basename(file);
  let last = contentOf(file);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(file), (_event, changedName) => {
    if (changedName !== null && changedName !== name) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const now = contentOf(file);
      // A file gone for a moment (between an editor's delete and its rename) is not a change yet.
      if (now === undefined || now === last) return;
      last = now;
      changed();
    }, settleMs);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

function contentOf(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
