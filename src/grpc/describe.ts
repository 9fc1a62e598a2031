/**
 * Symbols printed as .proto text, as `grpcurl describe` prints them: a service with its methods
 * (`stream` marking each side that streams), a message with its fields, oneofs and nested
 * types, an enum with its values. Type references are written fully qualified (`.pkg.Type`).
 */
import protobuf from 'protobufjs';
import { GrpcSymbolError } from './errors.js';
import { fullName, listServices, lookup } from './schema.js';

const INDENT = '  ';

/** `NAME is a service:` and its text; every service when `name` is undefined. */
export function describeSymbol(root: protobuf.Root, name?: string): string {
  if (name === undefined)
    return listServices(root)
      .map((service) => describeObject(service))
      .join('\n');
  const found = lookup(root, name);
  if (!found || found instanceof protobuf.Root) throw new GrpcSymbolError(`symbol '${name}' is not defined`);
  return describeObject(found);
}

function describeObject(object: protobuf.ReflectionObject): string {
  return `${fullName(object)} is ${kindOf(object)}:\n${objectText(object, '')}\n`;
}

function kindOf(object: protobuf.ReflectionObject): string {
  if (object instanceof protobuf.Service) return 'a service';
  if (object instanceof protobuf.Method) return 'a method';
  if (object instanceof protobuf.Type) return 'a message';
  if (object instanceof protobuf.Enum) return 'an enum';
  if (object instanceof protobuf.Field) return 'a field';
  if (object instanceof protobuf.Namespace) return 'a package';
  return 'a symbol';
}

function objectText(object: protobuf.ReflectionObject, indent: string): string {
  if (object instanceof protobuf.Service) return serviceText(object, indent);
  if (object instanceof protobuf.Method) return `${indent}${methodText(object)}`;
  if (object instanceof protobuf.Type) return messageText(object, indent);
  if (object instanceof protobuf.Enum) return enumText(object, indent);
  if (object instanceof protobuf.Field) return `${indent}${fieldText(object)}`;
  if (object instanceof protobuf.Namespace) {
    return object.nestedArray.map((nested) => `${indent}${kindOf(nested).replace(/^an? /, '')} ${nested.name}`).join('\n');
  }
  return `${indent}${object.name}`;
}

function serviceText(service: protobuf.Service, indent: string): string {
  const lines = [`${indent}service ${service.name} {`, ...service.methodsArray.map((method) => `${indent}${INDENT}${methodText(method)}`), `${indent}}`];
  return lines.join('\n');
}

export function methodText(method: protobuf.Method): string {
  method.resolve();
  const request = method.resolvedRequestType ? `.${fullName(method.resolvedRequestType)}` : method.requestType;
  const response = method.resolvedResponseType ? `.${fullName(method.resolvedResponseType)}` : method.responseType;
  return `rpc ${method.name} ( ${method.requestStream ? 'stream ' : ''}${request} ) returns ( ${method.responseStream ? 'stream ' : ''}${response} );`;
}

function messageText(type: protobuf.Type, indent: string): string {
  const inner = indent + INDENT;
  const lines = [`${indent}message ${type.name} {`];
  const shownOneofs = new Set<protobuf.OneOf>();
  for (const field of type.fieldsArray) {
    const oneof = field.partOf;
    // proto3 `optional` is a oneof of one field whose name starts with `_`.
    if (oneof && !isSyntheticOneof(oneof)) {
      if (shownOneofs.has(oneof)) continue;
      shownOneofs.add(oneof);
      lines.push(`${inner}oneof ${oneof.name} {`);
      for (const member of oneof.fieldsArray) lines.push(`${inner}${INDENT}${fieldText(member)}`);
      lines.push(`${inner}}`);
      continue;
    }
    lines.push(`${inner}${fieldText(field)}`);
  }
  for (const nested of type.nestedArray) {
    if (nested instanceof protobuf.Type && isMapEntry(nested)) continue;
    if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum) lines.push(objectText(nested, inner));
  }
  for (const range of type.reserved ?? []) {
    lines.push(`${inner}reserved ${typeof range === 'string' ? JSON.stringify(range) : range[0] === range[1] ? range[0] : `${range[0]} to ${range[1]}`};`);
  }
  lines.push(`${indent}}`);
  return lines.join('\n');
}

function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.name.startsWith('_');
}

function isMapEntry(type: protobuf.Type): boolean {
  return type.options?.['map_entry'] === true;
}

function fieldText(field: protobuf.Field): string {
  const oneof = field.partOf;
  const label = field.repeated && !(field instanceof protobuf.MapField) ? 'repeated ' : oneof && isSyntheticOneof(oneof) ? 'optional ' : '';
  const type = field instanceof protobuf.MapField ? `map<${field.keyType}, ${typeText(field)}>` : typeText(field);
  return `${label}${type} ${field.name} = ${field.id};`;
}

function typeText(field: protobuf.Field): string {
  field.resolve();
  return field.resolvedType ? `.${fullName(field.resolvedType)}` : field.type;
}

function enumText(type: protobuf.Enum, indent: string): string {
  const lines = [`${indent}enum ${type.name} {`];
  for (const [name, value] of Object.entries(type.values)) lines.push(`${indent}${INDENT}${name} = ${value};`);
  lines.push(`${indent}}`);
  return lines.join('\n');
}
