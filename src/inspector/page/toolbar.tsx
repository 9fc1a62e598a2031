/**
 * Over the message table: Pause / Resume of the live view (what arrives meanwhile is kept, and
 * counted), Clear, and Export of the rows the filter lets through, built here in the page with
 * the trace's own writers (the same HAR and JSONL the recorder writes: docs/recording.md).
 */
import { encodeJsonl } from '../../trace/jsonl.js';
import { harFromEvents } from '../../trace/har-write.js';
import type { TraceEvent } from '../../trace/events.js';

interface ToolbarProps {
  paused: boolean;
  /** Rows that came while paused, not shown yet. */
  held: number;
  onPause: (paused: boolean) => void;
  onClear: () => void;
  /** The events of the rows shown now (the filtered rows, with their connections' handshakes). */
  shownEvents: () => TraceEvent[];
}

export function Toolbar({ paused, held, onPause, onClear, shownEvents }: ToolbarProps) {
  return (
    <div class="toolbar" role="toolbar" aria-label="Messages toolbar">
      <button type="button" aria-pressed={paused} onClick={() => onPause(!paused)}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      {paused && (
        <output class="held" aria-label="Held while paused">
          {held} new
        </output>
      )}
      <button type="button" onClick={onClear}>
        Clear
      </button>
      <button type="button" onClick={() => download('wscope-filtered.har', 'application/json', harText(shownEvents()))}>
        Export filtered HAR
      </button>
      <button type="button" onClick={() => download('wscope-filtered.jsonl', 'application/x-ndjson', encodeJsonl(shownEvents()))}>
        Export filtered JSONL
      </button>
    </div>
  );
}

function harText(events: readonly TraceEvent[]): string {
  return `${JSON.stringify(harFromEvents(events), null, 2)}\n`;
}

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The download has its own reference by then; the object URL can go at the next turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
