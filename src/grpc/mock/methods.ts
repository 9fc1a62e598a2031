/** Every method of every service in a set of protos, with its kind and message types resolved. */
import protobuf from 'protobufjs';
import type { GrpcCallKind } from '../../trace/events.js';

export interface MockMethod {
  /** `/package.Service/Method`, the HTTP/2 path a call goes to. */
  path: string;
  kind: GrpcCallKind;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
}

/** The reflection services are served by @grpc/reflection itself, not mocked. */
const REFLECTION = /^grpc\.reflection\./;

export function methodsOf(root: protobuf.Root): MockMethod[] {
  root.resolveAll();
  const methods: MockMethod[] = [];
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Service) {
        const service = nested.fullName.slice(1);
        if (REFLECTION.test(service)) continue;
        for (const method of nested.methodsArray) {
          methods.push({
            path: `/${service}/${method.name}`,
            kind: kindOf(Boolean(method.requestStream), Boolean(method.responseStream)),
            requestType: method.resolvedRequestType!,
            responseType: method.resolvedResponseType!,
          });
        }
      } else if (nested instanceof protobuf.Namespace) {
        visit(nested);
      }
    }
  };
  visit(root);
  return methods;
}

export function kindOf(requestStream: boolean, responseStream: boolean): GrpcCallKind {
  if (requestStream) return responseStream ? 'bidi-streaming' : 'client-streaming';
  return responseStream ? 'server-streaming' : 'unary';
}
