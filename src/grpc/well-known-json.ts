/**
 * The proto3 JSON forms of the well-known types (https://protobuf.dev/programming-guides/json/):
 * Timestamp as RFC 3339 text, Duration as "1.5s", Struct/Value/ListValue as plain JSON, the
 * wrappers as their value, FieldMask as "a.b,c". Each converts between that JSON and the plain
 * object protobufjs's toObject writes and fromObject reads (proto field names, 64-bit integers
 * as decimal strings).
 */
import { lowerCamelCase } from './json-names.js';
import { GrpcJsonError } from './json-errors.js';

type Plain = Record<string, unknown>;

const WRAPPER_DEFAULTS: Record<string, unknown> = {
  'google.protobuf.DoubleValue': 0,
  'google.protobuf.FloatValue': 0,
  'google.protobuf.Int64Value': '0',
  'google.protobuf.UInt64Value': '0',
  'google.protobuf.Int32Value': 0,
  'google.protobuf.UInt32Value': 0,
  'google.protobuf.BoolValue': false,
  'google.protobuf.StringValue': '',
  'google.protobuf.BytesValue': '',
};

/** The well-known types with a JSON form of their own (Any is the codec's: it needs the schema). */
export function hasSpecialJson(typeName: string): boolean {
  return (
    typeName in WRAPPER_DEFAULTS ||
    [
      'google.protobuf.Timestamp',
      'google.protobuf.Duration',
      'google.protobuf.Struct',
      'google.protobuf.Value',
      'google.protobuf.ListValue',
      'google.protobuf.FieldMask',
    ].includes(typeName)
  );
}

/** A template value for a well-known type (what `--template` shows). */
export function wellKnownTemplate(typeName: string): unknown {
  if (typeName in WRAPPER_DEFAULTS) return WRAPPER_DEFAULTS[typeName];
  switch (typeName) {
    case 'google.protobuf.Timestamp':
      return '1970-01-01T00:00:00Z';
    case 'google.protobuf.Duration':
      return '0s';
    case 'google.protobuf.Struct':
      return {};
    case 'google.protobuf.Value':
      return null;
    case 'google.protobuf.ListValue':
      return [];
    case 'google.protobuf.FieldMask':
      return '';
    default:
      return undefined;
  }
}

// --- to JSON ---------------------------------------------------------------------------------------

export function wellKnownToJson(typeName: string, plain: Plain, path: string, wrapperValue: (value: unknown) => unknown): unknown {
  if (typeName in WRAPPER_DEFAULTS) return 'value' in plain ? wrapperValue(plain['value']) : WRAPPER_DEFAULTS[typeName];
  switch (typeName) {
    case 'google.protobuf.Timestamp':
      return formatTimestamp(plain, path);
    case 'google.protobuf.Duration':
      return formatDuration(plain, path);
    case 'google.protobuf.Struct':
      return structToJson(plain);
    case 'google.protobuf.Value':
      return valueToJson(plain);
    case 'google.protobuf.ListValue':
      return ((plain['values'] as Plain[] | undefined) ?? []).map(valueToJson);
    case 'google.protobuf.FieldMask':
      return ((plain['paths'] as string[] | undefined) ?? []).map((p) => p.split('.').map(lowerCamelCase).join('.')).join(',');
    default:
      throw new Error(`not a well-known type with a JSON form: ${typeName}`);
  }
}

function fractionDigits(nanos: number): string {
  if (nanos === 0) return '';
  const digits = String(nanos).padStart(9, '0');
  if (nanos % 1_000_000 === 0) return `.${digits.slice(0, 3)}`;
  if (nanos % 1_000 === 0) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

function formatTimestamp(plain: Plain, path: string): string {
  const seconds = Number(plain['seconds'] ?? 0);
  const nanos = Number(plain['nanos'] ?? 0);
  const date = new Date(seconds * 1000);
  if (!Number.isFinite(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999 || nanos < 0 || nanos > 999_999_999) {
    throw new GrpcJsonError(path, `Timestamp out of range (seconds ${seconds}, nanos ${nanos})`);
  }
  return `${date.toISOString().slice(0, 19)}${fractionDigits(nanos)}Z`;
}

function formatDuration(plain: Plain, path: string): string {
  const seconds = BigInt(String(plain['seconds'] ?? '0'));
  const nanos = Number(plain['nanos'] ?? 0);
  if ((seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0)) throw new GrpcJsonError(path, 'Duration seconds and nanos have different signs');
  const negative = seconds < 0n || nanos < 0;
  const whole = negative ? -seconds : seconds;
  return `${negative ? '-' : ''}${whole}${fractionDigits(Math.abs(nanos))}s`;
}

function structToJson(plain: Plain): Plain {
  const fields = (plain['fields'] as Record<string, Plain> | undefined) ?? {};
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, valueToJson(value)]));
}

function valueToJson(plain: Plain): unknown {
  if ('struct_value' in plain) return structToJson(plain['struct_value'] as Plain);
  if ('list_value' in plain) return (((plain['list_value'] as Plain)['values'] as Plain[] | undefined) ?? []).map(valueToJson);
  if ('number_value' in plain) return plain['number_value'];
  if ('string_value' in plain) return plain['string_value'];
  if ('bool_value' in plain) return plain['bool_value'];
  return null;
}

// --- from JSON -------------------------------------------------------------------------------------

/** The plain object fromObject takes for a well-known type given as JSON. */
export function wellKnownFromJson(typeName: string, json: unknown, path: string, wrapperValue: (value: unknown) => unknown): Plain {
  if (typeName in WRAPPER_DEFAULTS) return { value: wrapperValue(json) };
  switch (typeName) {
    case 'google.protobuf.Timestamp':
      return parseTimestamp(json, path);
    case 'google.protobuf.Duration':
      return parseDuration(json, path);
    case 'google.protobuf.Struct':
      return structFromJson(json, path);
    case 'google.protobuf.Value':
      return valueFromJson(json, path);
    case 'google.protobuf.ListValue':
      if (!Array.isArray(json)) throw new GrpcJsonError(path, `expected an array (ListValue), got ${describe(json)}`);
      return { values: json.map((item, i) => valueFromJson(item, `${path}[${i}]`)) };
    case 'google.protobuf.FieldMask':
      if (typeof json !== 'string') throw new GrpcJsonError(path, `expected a string like "a.b,c" (FieldMask), got ${describe(json)}`);
      return { paths: json === '' ? [] : json.split(',').map((p) => p.trim().replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)) };
    default:
      throw new Error(`not a well-known type with a JSON form: ${typeName}`);
  }
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function parseTimestamp(json: unknown, path: string): Plain {
  const match = typeof json === 'string' ? TIMESTAMP.exec(json) : null;
  if (!match) throw new GrpcJsonError(path, `expected an RFC 3339 time like "2024-01-02T03:04:05.678Z" (Timestamp), got ${describe(json)}`);
  const [, year, month, day, hour, minute, second, fraction, , sign, offsetHours, offsetMinutes] = match;
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  let seconds = Math.floor(utc / 1000);
  if (sign !== undefined) seconds -= (sign === '-' ? -1 : 1) * (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60);
  const nanos = fraction === undefined ? 0 : Number(fraction.padEnd(9, '0'));
  return { seconds: String(seconds), nanos };
}

function parseDuration(json: unknown, path: string): Plain {
  const match = typeof json === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(json) : null;
  if (!match) throw new GrpcJsonError(path, `expected seconds like "1.5s" (Duration), got ${describe(json)}`);
  const [, minus, whole, fraction] = match;
  const sign = minus === undefined ? 1 : -1;
  const nanos = fraction === undefined ? 0 : Number(fraction.padEnd(9, '0'));
  return { seconds: `${minus ?? ''}${whole}`, nanos: sign * nanos };
}

function structFromJson(json: unknown, path: string): Plain {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new GrpcJsonError(path, `expected an object (Struct), got ${describe(json)}`);
  return { fields: Object.fromEntries(Object.entries(json).map(([key, value]) => [key, valueFromJson(value, `${path}.${key}`)])) };
}

function valueFromJson(json: unknown, path: string): Plain {
  if (json === null) return { null_value: 0 };
  if (typeof json === 'number') return { number_value: json };
  if (typeof json === 'string') return { string_value: json };
  if (typeof json === 'boolean') return { bool_value: json };
  if (Array.isArray(json)) return { list_value: { values: json.map((item, i) => valueFromJson(item, `${path}[${i}]`)) } };
  return { struct_value: structFromJson(json, path) };
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value) ?? String(value);
}
