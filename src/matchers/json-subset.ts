/**
 * "The message holds this JSON": objects match when every key expected is there and matches
 * (other keys are allowed), arrays element by element with the same length, scalars exactly.
 */

export interface JsonDifference {
  /** Where and how, e.g. `$.user is "bob", expected "alice"`. */
  reason: string;
  /** The actual value cut down to the expected one's shape, to diff against it. */
  shown: unknown;
}

/** The first place where `actual` does not hold `expected`; `exact`: objects must have no other keys. */
export function firstJsonDifference(expected: unknown, actual: unknown, path = '$', exact = false): JsonDifference | undefined {
  const reason = difference(expected, actual, path, exact);
  return reason === undefined ? undefined : { reason, shown: exact ? actual : project(expected, actual) };
}

function difference(expected: unknown, actual: unknown, path: string, exact: boolean): string | undefined {
  if (isObject(expected)) {
    if (!isObject(actual)) return `${path} is ${show(actual)}, expected an object`;
    for (const [key, value] of Object.entries(expected)) {
      const at = `${path}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`;
      if (!Object.hasOwn(actual, key)) return `${at} is missing, expected ${show(value)}`;
      const found = difference(value, actual[key], at, exact);
      if (found !== undefined) return found;
    }
    if (exact) {
      const extra = Object.keys(actual).find((key) => !Object.hasOwn(expected, key));
      if (extra !== undefined) return `${path} has "${extra}", which was not expected`;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path} is ${show(actual)}, expected an array`;
    if (actual.length !== expected.length) return `${path} has ${actual.length} items, expected ${expected.length}`;
    for (let index = 0; index < expected.length; index++) {
      const found = difference(expected[index], actual[index], `${path}[${index}]`, exact);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return Object.is(expected, actual) || expected === actual ? undefined : `${path} is ${show(actual)}, expected ${show(expected)}`;
}

function project(expected: unknown, actual: unknown): unknown {
  if (isObject(expected) && isObject(actual)) {
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) if (Object.hasOwn(actual, key)) result[key] = project(expected[key], actual[key]);
    return result;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) return actual.map((item, index) => project(expected[index], item));
  return actual;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
