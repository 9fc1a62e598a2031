/**
 * A message with every field filled, from its type alone, for a method the mocks file says
 * nothing about. Deterministic: the same type and `index` always give the same message, and
 * each value differs from its type's default, so every field is on the wire (proto3 leaves
 * default values out) and a client sees every field's shape. `index` numbers the messages of a
 * stream: the n-th gets n+1 in its numbers and strings.
 *
 * The result is in protobufjs' object form (what `Type.fromObject` takes): 64-bit integers as
 * strings, enums by name, bytes as base64.
 */
import { Buffer } from 'node:buffer';
import protobuf from 'protobufjs';

export function generateMessage(type: protobuf.Type, index = 0): Record<string, unknown> {
  return fill(type, index + 1, new Set());
}

function fill(type: protobuf.Type, n: number, path: Set<protobuf.Type>): Record<string, unknown> {
  const message: Record<string, unknown> = {};
  // A recursive type (a tree's node holding nodes) is filled once on each path: the nested one is left empty.
  if (path.has(type)) return message;
  path.add(type);
  for (const field of type.fieldsArray) {
    field.resolve();
    // Of a oneof, only its first member is set: setting two would keep only the last.
    if (field.partOf && field.partOf.oneof[0] !== field.name) continue;
    if (field instanceof protobuf.MapField) {
      message[field.name] = { [String(mapKey(field.keyType, n))]: value(field, n, path) };
    } else {
      message[field.name] = field.repeated ? [value(field, n, path)] : value(field, n, path);
    }
  }
  path.delete(type);
  return message;
}

function value(field: protobuf.Field, n: number, path: Set<protobuf.Type>): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return fill(resolved, n, path);
  if (resolved instanceof protobuf.Enum) {
    const names = Object.keys(resolved.values);
    // The first value that is not the zero default, which proto3 would leave off the wire.
    return names.find((name) => resolved.values[name] !== 0) ?? names[0];
  }
  return scalar(field.type, field.name, n);
}

function scalar(type: string, name: string, n: number): unknown {
  switch (type) {
    case 'string':
      return `${name} ${n}`;
    case 'bool':
      return true;
    case 'bytes':
      return Buffer.from(`${name} ${n}`).toString('base64');
    case 'double':
    case 'float':
      return n + 0.5;
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return String(n);
    default:
      return n;
  }
}

function mapKey(type: string, n: number): string | number | boolean {
  if (type === 'string') return `key ${n}`;
  if (type === 'bool') return true;
  return n;
}
