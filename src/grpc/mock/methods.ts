/** Every method of every service in a schema, with its kind and message types resolved. */
import type protobuf from 'protobufjs';
import { fullName, listServices, type MethodKind, methodKind } from '../schema.js';

export interface MockMethod {
  /** `/package.Service/Method`, the HTTP/2 path a call goes to. */
  path: string;
  kind: MethodKind;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
}

/** The reflection services are served by @grpc/reflection itself, not mocked. */
const REFLECTION = /^grpc\.reflection\./;

export function methodsOf(root: protobuf.Root): MockMethod[] {
  const methods: MockMethod[] = [];
  for (const service of listServices(root)) {
    if (REFLECTION.test(fullName(service))) continue;
    for (const method of service.methodsArray) methods.push(methodOf(method));
  }
  return methods;
}

export function methodOf(method: protobuf.Method): MockMethod {
  method.resolve();
  return {
    path: `/${fullName(method.parent!)}/${method.name}`,
    kind: methodKind(method),
    requestType: method.resolvedRequestType!,
    responseType: method.resolvedResponseType!,
  };
}
