/**
 * A YAML (or JSON) file read into plain values that remember where each came from, so an error
 * found long after parsing (a missing variable while a step runs, a schema error) can name
 * file:line:column. The values are ordinary objects, arrays and scalars; the places live beside
 * them, keyed by the object or array that holds a value and the value's key in it.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/** Where something is in a file: 1-based line and column. */
export interface Place {
  file: string;
  line: number;
  column: number;
}

/** A scalar's place, and the text it was written as (quotes and escapes included), to point inside it. */
export interface ValuePlace extends Place {
  source?: string;
}

export function formatPlace(place: Place): string {
  return `${place.file}:${place.line}:${place.column}`;
}

/** The places of the values of one parsed file. */
export class SourcePlaces {
  private readonly byContainer = new WeakMap<object, Map<string | number, ValuePlace>>();
  private readonly ofContainer = new WeakMap<object, Place>();

  constructor(readonly file: string) {}

  /** Where `container[key]` was written (its value; for a map key missing, the map itself). */
  of(container: object, key?: string | number): ValuePlace | undefined {
    if (key !== undefined) {
      const place = this.byContainer.get(container)?.get(key);
      if (place) return place;
    }
    return this.ofContainer.get(container);
  }

  /** Where the value at `path` (keys from the root) was written, or the nearest container above it. */
  at(root: unknown, path: ReadonlyArray<string | number>): ValuePlace | undefined {
    let found: ValuePlace | undefined = typeof root === 'object' && root !== null ? this.of(root) : undefined;
    let current: unknown = root;
    for (const step of path) {
      if (typeof current !== 'object' || current === null) break;
      const key = Array.isArray(current) ? Number(step) : String(step);
      found = this.of(current, key) ?? found;
      current = (current as Record<string | number, unknown>)[key];
    }
    return found;
  }

  /** @internal used while reading the file */
  record(container: object, key: string | number, place: ValuePlace): void {
    let places = this.byContainer.get(container);
    if (!places) this.byContainer.set(container, (places = new Map()));
    places.set(key, place);
  }

  /** @internal used while reading the file */
  recordContainer(container: object, place: Place): void {
    this.ofContainer.set(container, place);
  }
}

export class SourceSyntaxError extends Error {
  override name = 'SourceSyntaxError';
  constructor(
    readonly place: Place,
    readonly problem: string,
  ) {
    super(`${formatPlace(place)}: ${problem}`);
  }
}

export interface ParsedSource {
  value: unknown;
  places: SourcePlaces;
}

/** Parse YAML text (JSON is YAML too); a syntax error throws SourceSyntaxError naming its place. */
export function parseWithPlaces(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = document.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new SourceSyntaxError({ file, line, column: col }, first.message.split('\n')[0] ?? first.message);
  }
  const places = new SourcePlaces(file);
  const placeOf = (node: Node | null | undefined, fallback: number): Place => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? fallback);
    return { file, line, column: col };
  };
  const convert = (node: unknown, offset: number): unknown => {
    if (isMap(node)) {
      const result: Record<string, unknown> = {};
      places.recordContainer(result, placeOf(node, offset));
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = String(isScalar(keyNode) ? keyNode.value : keyNode);
        const valueNode = pair.value as Node | null;
        const start = keyNode?.range?.[0] ?? offset;
        result[key] = convert(valueNode, start);
        places.record(result, key, scalarPlace(valueNode, placeOf(valueNode ?? keyNode, start), text));
      }
      return result;
    }
    if (isSeq(node)) {
      const result: unknown[] = [];
      places.recordContainer(result, placeOf(node, offset));
      node.items.forEach((item, index) => {
        const itemNode = item as Node | null;
        result.push(convert(itemNode, node.range?.[0] ?? offset));
        places.record(result, index, scalarPlace(itemNode, placeOf(itemNode ?? node, offset), text));
      });
      return result;
    }
    if (isScalar(node)) return node.value;
    // An alias (*name) stands for its anchor's value; YAML's merge keys are not resolved.
    if (isAlias(node)) return convert(node.resolve(document), offset);
    return null;
  };
  return { value: convert(document.contents, 0), places };
}

function scalarPlace(node: Node | null, place: Place, text: string): ValuePlace {
  if (!isScalar(node) || !node.range) return place;
  return { ...place, source: text.slice(node.range[0], node.range[1]) };
}
