/**
 * Messages as proto3 JSON (https://protobuf.dev/programming-guides/json/), on protobufjs: JSON
 * names (lowerCamelCase, or the field's json_name) out and either name in, 64-bit integers as
 * decimal strings, enums by name, bytes as base64, NaN and ±Infinity as strings, the
 * well-known types in their own forms, Any as `{"@type": ..., ...}`. protobufjs's own
 * toObject/fromObject do the encoding; this walks their plain objects to and from JSON, and
 * rejects what proto3 JSON rejects (an unknown field, a string where a number goes) with the
 * path to it.
 */
import { Buffer } from 'node:buffer';
import protobuf from 'protobufjs';
import { GrpcJsonError } from './json-errors.js';
import { jsonName } from './json-names.js';
import { describe, hasSpecialJson, wellKnownFromJson, wellKnownTemplate, wellKnownToJson } from './well-known-json.js';

type Plain = Record<string, unknown>;

export interface JsonOutputOptions {
  /** Write fields that hold their default value too (proto3 JSON leaves them out). */
  emitDefaults?: boolean;
}

const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64']);
const UINT64 = new Set(['uint64', 'fixed64']);
const FLOAT = new Set(['float', 'double']);

function typeName(type: protobuf.ReflectionObject): string {
  return type.fullName.replace(/^\./, '');
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Converts messages of a schema's types to and from proto3 JSON. */
export class GrpcJsonCodec {
  /** `roots` are searched in order for the types an Any names. */
  constructor(private readonly roots: readonly protobuf.Root[]) {}

  /** A message type by full name, from the first root that defines it. */
  lookupType(name: string): protobuf.Type | undefined {
    for (const root of this.roots) {
      try {
        const found = root.lookup(`.${name.replace(/^\./, '')}`);
        if (found instanceof protobuf.Type) return found;
      } catch {
        // not in this root
      }
    }
    return undefined;
  }

  private anyType(): protobuf.Type {
    const found = this.lookupType('google.protobuf.Any');
    if (!found) throw new Error('google.protobuf.Any is not loaded');
    return found;
  }

  // --- out ----------------------------------------------------------------------------------------

  decodeToJson(type: protobuf.Type, bytes: Uint8Array, options: JsonOutputOptions = {}): unknown {
    return this.toJson(type, type.decode(bytes), options);
  }

  toJson(type: protobuf.Type, message: protobuf.Message, options: JsonOutputOptions = {}): unknown {
    const emit = options.emitDefaults === true;
    const plain = type.toObject(message, { longs: String, enums: String, bytes: String, defaults: emit, arrays: emit, objects: emit });
    return this.messageToJson(type, plain, '', emit);
  }

  /** An Any's content as proto3 JSON: `{"@type": URL, ...fields}` (`"value"` for a well-known type); base64 `value` when the type is unknown. */
  anyToJson(typeUrl: string, value: Uint8Array): Plain {
    const inner = this.lookupType(typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
    if (!inner) return { '@type': typeUrl, value: Buffer.from(value).toString('base64') };
    const json = this.toJson(inner, inner.decode(value));
    return hasSpecialJson(typeName(inner)) ? { '@type': typeUrl, value: json } : { '@type': typeUrl, ...(json as Plain) };
  }

  private messageToJson(type: protobuf.Type, plain: Plain, path: string, emitDefaults = false): unknown {
    const name = typeName(type);
    if (name === 'google.protobuf.Any') {
      const any = renameKeys(type, plain, 'canonical');
      const url = String(any['type_url'] ?? '');
      return url === '' ? {} : this.anyToJson(url, Buffer.from(String(any['value'] ?? ''), 'base64'));
    }
    if (hasSpecialJson(name)) {
      const valueField = type.fields['value'];
      return wellKnownToJson(name, renameKeys(type, plain, 'canonical'), path, (value) => (valueField ? this.singleToJson(valueField, value, path) : value));
    }
    const out: Plain = {};
    for (const field of type.fieldsArray) {
      if (!(field.name in plain)) continue;
      const value = plain[field.name];
      // toObject's `defaults` writes null for a message field that is not set; proto3 JSON leaves it out.
      if (value === null && field.resolvedType instanceof protobuf.Type) continue;
      // A sender may write a default value on the wire; proto3 JSON leaves out a field without presence that holds its default.
      if (!emitDefaults && isImplicitDefault(field, value)) continue;
      out[jsonName(field)] = this.fieldToJson(field, value, join(path, jsonName(field)), emitDefaults);
    }
    return out;
  }

  private fieldToJson(field: protobuf.Field, value: unknown, path: string, emitDefaults: boolean): unknown {
    if (field instanceof protobuf.MapField) {
      const longKeys = INT64.has(field.keyType) || UINT64.has(field.keyType);
      return Object.fromEntries(
        Object.entries(value as Plain).map(([key, item]) => [
          longKeys ? longKey(key, UINT64.has(field.keyType)) : key,
          this.singleToJson(field, item, `${path}[${key}]`),
        ]),
      );
    }
    if (field.repeated) return (value as unknown[]).map((item, i) => this.singleToJson(field, item, `${path}[${i}]`, emitDefaults));
    return this.singleToJson(field, value, path, emitDefaults);
  }

  private singleToJson(field: protobuf.Field, value: unknown, path: string, emitDefaults = false): unknown {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) return this.messageToJson(resolved, value as Plain, path, emitDefaults);
    if (resolved instanceof protobuf.Enum && typeName(resolved) === 'google.protobuf.NullValue') return null;
    if (FLOAT.has(field.type) && typeof value === 'number' && !Number.isFinite(value)) return String(value);
    return value;
  }

  // --- in -----------------------------------------------------------------------------------------

  /** A message of `type` from proto3 JSON; a GrpcJsonError names the first value that does not fit. */
  fromJson(type: protobuf.Type, json: unknown): protobuf.Message {
    return type.fromObject(this.messageFromJson(type, json, ''));
  }

  encodeJson(type: protobuf.Type, json: unknown): Uint8Array {
    return type.encode(this.fromJson(type, json)).finish();
  }

  private messageFromJson(type: protobuf.Type, json: unknown, path: string): Plain {
    const name = typeName(type);
    if (name === 'google.protobuf.Any') return this.anyFromJson(json, path);
    if (hasSpecialJson(name)) {
      const valueField = type.fields['value'];
      return renameKeys(
        type,
        wellKnownFromJson(name, json, path, (value) => (valueField ? this.singleFromJson(valueField, value, path) : value)),
        'actual',
      );
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new GrpcJsonError(path, `expected an object (${name}), got ${describe(json)}`);
    const byName = new Map<string, protobuf.Field>();
    for (const field of type.fieldsArray) {
      byName.set(field.name, field);
      byName.set(jsonName(field), field);
    }
    const plain: Plain = {};
    const oneofs = new Map<string, string>();
    for (const [key, value] of Object.entries(json)) {
      const field = byName.get(key);
      const at = join(path, key);
      if (!field) throw new GrpcJsonError(at, `${name} has no field '${key}' (fields: ${type.fieldsArray.map(jsonName).join(', ') || 'none'})`);
      if (field.name in plain) throw new GrpcJsonError(at, `field '${field.name}' is given twice`);
      const isValue = field.resolvedType instanceof protobuf.Type && typeName(field.resolvedType) === 'google.protobuf.Value';
      if (value === null && !isValue) continue;
      const oneof = field.partOf;
      if (oneof && !oneof.name.startsWith('_')) {
        const other = oneofs.get(oneof.name);
        if (other !== undefined) throw new GrpcJsonError(at, `'${key}' and '${other}' are both members of oneof ${oneof.name}: give one`);
        oneofs.set(oneof.name, key);
      }
      plain[field.name] = this.fieldFromJson(field, value, at);
    }
    return plain;
  }

  private anyFromJson(json: unknown, path: string): Plain {
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      throw new GrpcJsonError(path, `expected an object with "@type" (Any), got ${describe(json)}`);
    const { '@type': url, ...rest } = json as Plain;
    if (url === undefined && Object.keys(rest).length === 0) return {};
    if (typeof url !== 'string') throw new GrpcJsonError(path, 'an Any needs "@type": "type.googleapis.com/package.Message"');
    const inner = this.lookupType(url.slice(url.lastIndexOf('/') + 1));
    if (!inner) throw new GrpcJsonError(join(path, '@type'), `the schema does not define ${url}`);
    const content = hasSpecialJson(typeName(inner)) ? (rest as Plain)['value'] : rest;
    const plain = this.messageFromJson(inner, content, path);
    return renameKeys(this.anyType(), { type_url: url, value: inner.encode(inner.fromObject(plain)).finish() }, 'actual');
  }

  private fieldFromJson(field: protobuf.Field, value: unknown, path: string): unknown {
    if (field instanceof protobuf.MapField) {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new GrpcJsonError(path, `expected an object (map), got ${describe(value)}`);
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => {
          mapKeyFromJson(field.keyType, key, `${path}[${key}]`);
          return [key, this.singleFromJson(field, item, `${path}[${key}]`)];
        }),
      );
    }
    if (field.repeated) {
      if (!Array.isArray(value)) throw new GrpcJsonError(path, `expected an array, got ${describe(value)}`);
      return value.map((item, i) => this.singleFromJson(field, item, `${path}[${i}]`));
    }
    return this.singleFromJson(field, value, path);
  }

  private singleFromJson(field: protobuf.Field, value: unknown, path: string): unknown {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) return this.messageFromJson(resolved, value, path);
    if (resolved instanceof protobuf.Enum) return enumFromJson(resolved, value, path);
    return scalarFromJson(field.type, value, path);
  }

  // --- template -----------------------------------------------------------------------------------

  /** An example message with every field (the first member of each oneof), as `--template` prints it. */
  template(type: protobuf.Type, within: ReadonlySet<protobuf.Type> = new Set()): unknown {
    const name = typeName(type);
    if (name === 'google.protobuf.Any') return {};
    if (hasSpecialJson(name)) return wellKnownTemplate(name);
    if (within.has(type)) return {};
    const inside = new Set(within).add(type);
    const out: Plain = {};
    const oneofsShown = new Set<string>();
    for (const field of type.fieldsArray) {
      const oneof = field.partOf;
      if (oneof && !oneof.name.startsWith('_')) {
        if (oneofsShown.has(oneof.name)) continue;
        oneofsShown.add(oneof.name);
      }
      const single = this.singleTemplate(field, inside);
      if (field instanceof protobuf.MapField) out[jsonName(field)] = { [mapKeyTemplate(field.keyType)]: single };
      else out[jsonName(field)] = field.repeated ? [single] : single;
    }
    return out;
  }

  private singleTemplate(field: protobuf.Field, within: ReadonlySet<protobuf.Type>): unknown {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) return this.template(resolved, within);
    if (resolved instanceof protobuf.Enum) return typeName(resolved) === 'google.protobuf.NullValue' ? null : (Object.keys(resolved.values)[0] ?? 0);
    if (field.type === 'string' || field.type === 'bytes') return '';
    if (field.type === 'bool') return false;
    if (INT64.has(field.type) || UINT64.has(field.type)) return '0';
    return 0;
  }
}

/** A singular scalar or enum field without presence (proto3, outside a oneof) holding its default value. */
function isImplicitDefault(field: protobuf.Field, value: unknown): boolean {
  if (field.repeated || field instanceof protobuf.MapField || field.resolvedType instanceof protobuf.Type || field.hasPresence) return false;
  if (field.resolvedType instanceof protobuf.Enum) return value === 0 || value === field.resolvedType.valuesById[0];
  return value === 0 || value === '' || value === false || value === '0';
}

/** protoc's field name (snake_case) of a field protobufjs may hold in camelCase. */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The well-known types' plain objects with their fields named as protoc names them
 * (`canonical`), or as this root's Type names them (`actual`). protobufjs's bundled
 * google/protobuf types (what a .proto's `import "google/protobuf/struct.proto"` loads) name
 * their fields in camelCase (`nullValue`), while types from descriptors keep `null_value`.
 */
function renameKeys(type: protobuf.Type, plain: Plain, to: 'canonical' | 'actual'): Plain {
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    const [fromKey, toKey] = to === 'canonical' ? [field.name, snakeCase(field.name)] : [snakeCase(field.name), field.name];
    if (!(fromKey in plain)) continue;
    const value = plain[fromKey];
    const resolved = field.resolvedType;
    const rename = (item: unknown): unknown =>
      resolved instanceof protobuf.Type && item !== null && typeof item === 'object' && !(item instanceof Uint8Array)
        ? renameKeys(resolved, item as Plain, to)
        : item;
    if (field instanceof protobuf.MapField) out[toKey] = Object.fromEntries(Object.entries(value as Plain).map(([key, item]) => [key, rename(item)]));
    else out[toKey] = field.repeated ? (value as unknown[]).map(rename) : rename(value);
  }
  return out;
}

function longKey(key: string, unsigned: boolean): string {
  if (/^-?\d+$/.test(key)) return key;
  // protobufjs keys 64-bit map entries by an 8-character hash of the value's bits.
  const bits = protobuf.util.LongBits.fromHash(key);
  const Long = protobuf.util.Long as unknown as { fromBits(lo: number, hi: number, unsigned: boolean): { toString(): string } } | undefined;
  return Long ? Long.fromBits(bits.lo, bits.hi, unsigned).toString() : String(bits.toNumber(unsigned));
}

function mapKeyTemplate(keyType: string): string {
  if (keyType === 'string') return 'key';
  if (keyType === 'bool') return 'false';
  return '0';
}

function mapKeyFromJson(keyType: string, key: string, path: string): void {
  if (keyType === 'string') return;
  if (keyType === 'bool') {
    if (key !== 'true' && key !== 'false') throw new GrpcJsonError(path, `a bool map key is "true" or "false", got ${JSON.stringify(key)}`);
    return;
  }
  scalarFromJson(keyType, key, path);
}

function enumFromJson(type: protobuf.Enum, value: unknown, path: string): unknown {
  if (typeName(type) === 'google.protobuf.NullValue') return 0;
  if (typeof value === 'string') {
    if (value in type.values) return value;
    throw new GrpcJsonError(path, `${typeName(type)} has no value ${JSON.stringify(value)} (values: ${Object.keys(type.values).join(', ')})`);
  }
  // proto3 enums are open: a number the enum does not name is kept.
  if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return value;
  throw new GrpcJsonError(path, `expected a ${typeName(type)} name or number, got ${describe(value)}`);
}

/** The value fromObject takes for a scalar field given as JSON. */
function scalarFromJson(type: string, value: unknown, path: string): unknown {
  if (type === 'string') {
    if (typeof value !== 'string') throw new GrpcJsonError(path, `expected a string, got ${describe(value)}`);
    return value;
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw new GrpcJsonError(path, `expected true or false, got ${describe(value)}`);
    return value;
  }
  if (type === 'bytes') {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new GrpcJsonError(path, `expected base64 bytes, got ${describe(value)}`);
    return Buffer.from(value, 'base64');
  }
  if (FLOAT.has(type)) {
    if (typeof value === 'number') return value;
    if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    throw new GrpcJsonError(path, `expected a number, got ${describe(value)}`);
  }
  const integer = integerOf(value);
  if (integer === undefined) throw new GrpcJsonError(path, `expected an integer (${type}), got ${describe(value)}`);
  const [min, max] = INT32.has(type)
    ? [-(2n ** 31n), 2n ** 31n - 1n]
    : UINT32.has(type)
      ? [0n, 2n ** 32n - 1n]
      : INT64.has(type)
        ? [-(2n ** 63n), 2n ** 63n - 1n]
        : [0n, 2n ** 64n - 1n];
  if (integer < min || integer > max) throw new GrpcJsonError(path, `${integer} is out of range for ${type}`);
  return INT64.has(type) || UINT64.has(type) ? integer.toString() : Number(integer);
}

/** A JSON number or decimal string holding a whole number (1e3 and "1.0" count, as proto3 JSON allows). */
function integerOf(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return BigInt(text);
  const number = Number(text);
  return text !== '' && Number.isInteger(number) && Number.isSafeInteger(number) ? BigInt(number) : undefined;
}
