/**
 * A JSON value as a collapsible tree (the WAI-ARIA tree pattern: role tree / treeitem / group,
 * aria-expanded, one tab stop, arrow keys to move, open and close). Built for big messages: a node
 * below LAZY_DEPTH starts closed and its children are made only when it is opened, and an opened
 * object or array shows its children CHILDREN_PAGE at a time, so a 1 MB message costs what is in
 * view, not what is in the message. Every node has "Copy path" (its JSONPath) and "Copy value"
 * (its subtree as JSON), and on the keyboard P and V on the focused node do the same (the buttons
 * are not tab stops: a tree is one tab stop, moved with the arrows).
 */
import { useState } from 'preact/hooks';
import { jsonPath, type JsonPathSegment, jsonSummary } from './format.js';

/** Nodes this deep (the root is 0) start closed. */
export const LAZY_DEPTH = 2;
/** Children an opened node shows, before a "Show more" button. */
export const CHILDREN_PAGE = 200;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function JsonTree({ value, label }: { value: unknown; label: string }) {
  const [copied, setCopied] = useState('');
  const copy = (what: string, text: string) => {
    navigator.clipboard.writeText(text).then(
      () => setCopied(`Copied ${what}`),
      (error: Error) => setCopied(`Could not copy: ${error.message}`),
    );
  };
  return (
    <div class="json-tree">
      {/* biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the WAI-ARIA tree pattern is lists made a tree, items made treeitems */}
      <ul role="tree" aria-label={label} onKeyDown={onTreeKey} onFocusCapture={onTreeFocus}>
        <Node value={value as Json} path={[]} depth={0} first={true} copy={copy} />
      </ul>
      <output class="copied" aria-live="polite">
        {copied}
      </output>
    </div>
  );
}

interface NodeProps {
  value: Json;
  path: readonly JsonPathSegment[];
  depth: number;
  /** The tree's one tab stop (the root): arrow keys move the focus from there. */
  first: boolean;
  copy: (what: string, text: string) => void;
}

function Node({ value, path, depth, first, copy }: NodeProps) {
  const container = value !== null && typeof value === 'object';
  const [open, setOpen] = useState(container && depth < LAZY_DEPTH);
  const [shown, setShown] = useState(CHILDREN_PAGE);
  const key = path.length === 0 ? '$' : String(path[path.length - 1]);
  const summary = jsonSummary(value);
  const entries: Array<[JsonPathSegment, Json]> = !container || !open ? [] : Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return (
    <li
      role="treeitem"
      aria-label={`${key}: ${summary}`}
      aria-level={depth + 1}
      {...(container && { 'aria-expanded': open })}
      tabIndex={first ? 0 : -1}
      aria-keyshortcuts="P V"
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget) return;
        if (event.key === 'p' || event.key === 'v') {
          event.preventDefault();
          if (event.key === 'p') copy('path', jsonPath(path));
          else copy('value', JSON.stringify(value, null, 2));
          return;
        }
        // Right opens, left closes (the tree's own handler moves the focus when there is nothing to open or close).
        if (!container) return;
        if ((event.key === 'ArrowRight' && !open) || (event.key === 'ArrowLeft' && open)) {
          event.preventDefault();
          event.stopPropagation();
          setOpen(!open);
        }
      }}
    >
      <div class="node">
        {container ? (
          <button type="button" class="twisty" tabIndex={-1} aria-hidden="true" onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span class="twisty" />
        )}
        <span class="key">{key}</span>
        <span class={`value ${value === null ? 'null' : typeof value}`}>{summary}</span>
        <button type="button" class="copy" tabIndex={-1} onClick={() => copy('path', jsonPath(path))}>
          Copy path
        </button>
        <button type="button" class="copy" tabIndex={-1} onClick={() => copy('value', JSON.stringify(value, null, 2))}>
          Copy value
        </button>
      </div>
      {open && (
        // biome-ignore lint/a11y/useSemanticElements: a treeitem's children are a group (WAI-ARIA tree pattern), not a fieldset
        <ul role="group">
          {entries.slice(0, shown).map(([segment, child]) => (
            <Node key={segment} value={child} path={[...path, segment]} depth={depth + 1} first={false} copy={copy} />
          ))}
          {entries.length > shown && (
            <li role="none">
              <button type="button" class="more" onClick={() => setShown(shown + CHILDREN_PAGE)}>
                Show {Math.min(CHILDREN_PAGE, entries.length - shown)} more of {entries.length - shown}
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  );
}

/**
 * Moving the focus: up and down through the items in view (a closed node's children are not in
 * the DOM), left to the parent, right to the first child, Home and End; the focused item is the
 * tree's one tab stop.
 */
function onTreeKey(event: KeyboardEvent): void {
  const tree = event.currentTarget as HTMLElement;
  const item = (event.target as HTMLElement).closest<HTMLElement>('[role=treeitem]');
  if (!item) return;
  const items = [...tree.querySelectorAll<HTMLElement>('[role=treeitem]')];
  const at = items.indexOf(item);
  let next: HTMLElement | undefined | null;
  if (event.key === 'ArrowDown') next = items[at + 1];
  else if (event.key === 'ArrowUp') next = items[at - 1];
  else if (event.key === 'Home') next = items[0];
  else if (event.key === 'End') next = items[items.length - 1];
  else if (event.key === 'ArrowLeft') next = item.parentElement?.closest<HTMLElement>('[role=treeitem]');
  else if (event.key === 'ArrowRight') next = item.querySelector<HTMLElement>('[role=group] > [role=treeitem]');
  else return;
  event.preventDefault();
  next?.focus();
}

/** The focused item (by the keys or a click) becomes the tree's one tab stop. */
function onTreeFocus(event: FocusEvent): void {
  const item = (event.target as HTMLElement).closest<HTMLElement>('[role=treeitem]');
  if (!item || item.tabIndex === 0) return;
  for (const other of (event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[role=treeitem][tabindex="0"]')) other.tabIndex = -1;
  item.tabIndex = 0;
}
