/**
 * INTERIM until src/templating/ lands from branch scenario (then this file goes): `{{a.b}}`
 * replaced by the value at that path of `scope`; a whole-string template keeps its value's type.
 */
export function renderValue<T>(value: T, scope: Record<string, unknown>): T {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(value);
    if (whole?.[1] !== undefined) return lookup(whole[1], scope) as T;
    return value.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_all, name: string) => {
      const found = lookup(name, scope);
      return typeof found === 'object' && found !== null ? JSON.stringify(found) : String(found);
    }) as T;
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(item, scope)) as T;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, scope)])) as T;
  return value;
}

function lookup(name: string, scope: Record<string, unknown>): unknown {
  let value: unknown = scope;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) throw new Error(`missing variable "${name}"`);
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
