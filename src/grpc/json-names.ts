/** The proto3 JSON name of a field: its `json_name` option, else protoc's lowerCamelCase of its name. */
import type protobuf from 'protobufjs';

/** protoc's ToJsonName: drop each `_` and upper-case the letter after it. */
export function lowerCamelCase(name: string): string {
  let out = '';
  let upper = false;
  for (const char of name) {
    if (char === '_') upper = true;
    else {
      out += upper ? char.toUpperCase() : char;
      upper = false;
    }
  }
  return out;
}

export function jsonName(field: protobuf.Field): string {
  const option = field.options?.['json_name'];
  return typeof option === 'string' ? option : lowerCamelCase(field.name);
}
