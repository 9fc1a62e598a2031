/**
 * `{{name}}` templates in strings, and in every string of a value read from a file. A missing
 * variable is a TemplateError naming it and where it is written (file:line:column, pointing at
 * its `{{`), so a typo in a file is found at its place, not in a stack trace.
 */
import { Buffer } from 'node:buffer';
import { formatPlace, type Place, type SourcePlaces, type ValuePlace } from './source-places.js';
import type { Variables } from './variables.js';

export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(
    /** The expression between the braces, e.g. `user` or `$env.TOKEN`. */
    readonly variable: string,
    readonly problem: string,
    readonly place: Place | undefined,
  ) {
    super(place ? `${formatPlace(place)}: ${problem}` : problem);
  }
}

const EXPRESSION = /\{\{\s*([^{}]*?)\s*\}\}/g;
const NAME = /^\$?[A-Za-z_][\w$-]*(\.[\w$-]+)*$/;

/** Does this string hold any `{{...}}`? */
export function isTemplate(text: string): boolean {
  return text.includes('{{');
}

/** The text with each `{{name}}` replaced by its value (objects as JSON). */
export function renderString(text: string, variables: Variables, where?: ValuePlace): string {
  if (!isTemplate(text)) return text;
  let ordinal = 0;
  return text.replace(EXPRESSION, (_whole, expression: string) => {
    const at = ordinal;
    const value = resolve(expression, variables, () => placeInside(at, where));
    ordinal += 1;
    return stringify(value);
  });
}

/**
 * Every string in `value` rendered, objects and arrays copied. A string that is one template and
 * nothing else (`"{{count}}"`) takes its variable's value as it is, so a captured number stays a
 * number inside a JSON message. `places` (with `container`/`key`, where `value` sits in the
 * parsed file) lets an error name the line.
 */
export function renderValue<T>(value: T, variables: Variables, places?: SourcePlaces, container?: object, key?: string | number): T {
  const where = places && container ? places.of(container, key) : undefined;
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(value);
    if (whole?.[1] !== undefined) return resolve(whole[1], variables, () => placeInside(0, where)) as T;
    return renderString(value, variables, where) as T;
  }
  if (Array.isArray(value)) return value.map((item, index) => renderValue(item, variables, places, value, index)) as T;
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
    const result: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) result[name] = renderValue(item, variables, places, value, name);
    return result as T;
  }
  return value;
}

function resolve(expression: string, variables: Variables, where: () => Place | undefined): unknown {
  if (!NAME.test(expression)) throw new TemplateError(expression, `"{{${expression}}}" is not a variable name`, where());
  const found = variables.lookup(expression);
  if (found.found) return found.value;
  const known = variables.names();
  const problem =
    found.why !== undefined
      ? `missing variable "${expression}": ${found.why}`
      : `missing variable "${expression}"${known.length > 0 ? ` (defined: ${known.join(', ')})` : ' (no variables are defined)'}`;
  throw new TemplateError(expression, problem, where());
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/**
 * The place of the `ordinal`-th `{{` of a scalar: found in the scalar's source text (which may
 * be quoted, escaped or folded over lines), else the scalar's start.
 */
function placeInside(ordinal: number, where: ValuePlace | undefined): Place | undefined {
  if (!where) return undefined;
  const place = { file: where.file, line: where.line, column: where.column };
  if (where.source === undefined) return place;
  let index = -1;
  for (let seen = 0; seen <= ordinal; seen++) {
    index = where.source.indexOf('{{', index + 1);
    if (index === -1) return place;
  }
  const before = where.source.slice(0, index);
  const newlines = before.split('\n');
  if (newlines.length === 1) return { ...place, column: place.column + index };
  return { ...place, line: place.line + newlines.length - 1, column: (newlines.at(-1)?.length ?? 0) + 1 };
}
