/** Lookups on a schema's protobufjs Root: its services, a method by `pkg.Service/Method`, a method's stream kind. */
import protobuf from 'protobufjs';
import { GrpcSymbolError } from './errors.js';

/** A method's kind, by which sides stream (gRPC's four kinds of RPC). */
export type MethodKind = 'unary' | 'server-streaming' | 'client-streaming' | 'bidi-streaming';

export function methodKind(method: protobuf.Method): MethodKind {
  if (method.requestStream) return method.responseStream ? 'bidi-streaming' : 'client-streaming';
  return method.responseStream ? 'server-streaming' : 'unary';
}

/** A reflection object's full name without protobufjs's leading dot: `pkg.Service`. */
export function fullName(object: protobuf.ReflectionObject): string {
  return object.fullName.replace(/^\./, '');
}

/** Every service the schema defines, sorted by full name. */
export function listServices(root: protobuf.Root): protobuf.Service[] {
  const services: protobuf.Service[] = [];
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Service) services.push(nested);
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested);
    }
  };
  visit(root);
  return services.sort((a, b) => fullName(a).localeCompare(fullName(b)));
}

/** A service by its full name. */
export function findService(root: protobuf.Root, name: string): protobuf.Service {
  const found = lookup(root, name);
  if (found instanceof protobuf.Service) return found;
  throw new GrpcSymbolError(`service '${name}' is not defined${suggest(root)}`);
}

/** A service's methods, in the order the .proto declares them. */
export function listMethods(service: protobuf.Service): protobuf.Method[] {
  return service.methodsArray;
}

/**
 * A method by `pkg.Service/Method` (the gRPC path without its leading slash, as grpcurl takes
 * it) or `pkg.Service.Method`.
 */
export function findMethod(root: protobuf.Root, name: string): protobuf.Method {
  const trimmed = name.replace(/^\//, '');
  const slash = trimmed.lastIndexOf('/');
  const dot = trimmed.lastIndexOf('.');
  const cut = slash !== -1 ? slash : dot;
  if (cut <= 0 || cut === trimmed.length - 1) throw new GrpcSymbolError(`'${name}' is not a method name: expected package.Service/Method`);
  const serviceName = trimmed.slice(0, cut);
  const methodName = trimmed.slice(cut + 1);
  const service = findService(root, serviceName);
  const method = service.methods[methodName];
  if (method === undefined) {
    const names = service.methodsArray.map((m) => m.name).join(', ');
    throw new GrpcSymbolError(`service '${serviceName}' has no method '${methodName}' (it has: ${names || 'none'})`);
  }
  method.resolve();
  return method;
}

/** Any symbol by its full name: a service, method, message, enum, field or enum value. */
export function lookup(root: protobuf.Root, name: string): protobuf.ReflectionObject | null {
  const absolute = `.${name.replace(/^\./, '')}`;
  try {
    return root.lookup(absolute);
  } catch {
    return null;
  }
}

function suggest(root: protobuf.Root): string {
  const names = listServices(root).map(fullName);
  return names.length === 0 ? ' (the schema defines no services)' : ` (services: ${names.join(', ')})`;
}
