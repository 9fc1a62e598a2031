/**
 * The WHATWG WebSocket event surface (onopen/onmessage/onclose/onerror, addEventListener) as a
 * thin layer over the Node events, the way ws does it: one EventEmitter underneath, two habits on top.
 */
import type { Buffer } from 'node:buffer';
export type BinaryType = 'nodebuffer' | 'arraybuffer' | 'blob';

export interface WsEvent {
  type: string;
  target: unknown;
}
export interface MessageEvent extends WsEvent {
  data: string | Buffer | ArrayBuffer | Blob;
}
export interface CloseEvent extends WsEvent {
  code: number;
  reason: string;
  wasClean: boolean;
}
export interface ErrorEvent extends WsEvent {
  error: unknown;
  message: string;
}

type Listener = (event: never) => void;
const WRAPPED = Symbol('wscope.whatwg-listener');

interface EmitterLike {
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  listeners(event: string): Function[];
  binaryType: BinaryType;
}

export function convertBinary(data: Buffer, binaryType: BinaryType): Buffer | ArrayBuffer | Blob {
  if (binaryType === 'arraybuffer') {
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer;
  }
  if (binaryType === 'blob') return new Blob([data]);
  return data;
}

function wrap(target: EmitterLike, type: string, listener: (event: never) => void): ((...args: any[]) => void) | undefined {
  const call = listener as (event: WsEvent) => void;
  switch (type) {
    case 'open':
      return () => call({ type, target });
    case 'message':
      return ((data: Buffer, isBinary: boolean) =>
        call({ type, target, data: isBinary ? convertBinary(data, target.binaryType) : data.toString('utf8') } as MessageEvent)) as never;
    case 'close':
      return ((code: number, reason: string, wasClean: boolean) => call({ type, target, code, reason, wasClean } as CloseEvent)) as never;
    case 'error':
      return ((error: Error) => call({ type, target, error, message: error?.message ?? String(error) } as ErrorEvent)) as never;
    default:
      return undefined;
  }
}

export function addEventListener(target: EmitterLike, type: string, listener: Listener, once = false): void {
  for (const existing of target.listeners(type)) {
    if ((existing as { [WRAPPED]?: Listener })[WRAPPED] === listener) return;
  }
  const wrapped = wrap(target, type, listener);
  if (!wrapped) return;
  const handler = once
    ? (...args: any[]) => {
        target.off(type, handler);
        wrapped(...args);
      }
    : wrapped;
  Object.assign(handler, { [WRAPPED]: listener });
  target.on(type, handler);
}

export function removeEventListener(target: EmitterLike, type: string, listener: Listener): void {
  for (const existing of target.listeners(type)) {
    if ((existing as { [WRAPPED]?: Listener })[WRAPPED] === listener) {
      target.off(type, existing as (...args: any[]) => void);
      return;
    }
  }
}

const ON_HANDLER = Symbol('wscope.on-handler');

/** Define `onopen`, `onmessage`, `onclose`, `onerror` on a prototype. */
export function defineEventHandlers(proto: object): void {
  for (const type of ['open', 'message', 'close', 'error']) {
    Object.defineProperty(proto, `on${type}`, {
      configurable: true,
      enumerable: true,
      get(this: EmitterLike) {
        for (const existing of this.listeners(type)) {
          const marked = existing as { [ON_HANDLER]?: boolean; [WRAPPED]?: Listener };
          if (marked[ON_HANDLER]) return marked[WRAPPED];
        }
        return null;
      },
      set(this: EmitterLike, handler: Listener | null) {
        for (const existing of this.listeners(type)) {
          if ((existing as { [ON_HANDLER]?: boolean })[ON_HANDLER]) this.off(type, existing as (...args: any[]) => void);
        }
        if (typeof handler !== 'function') return;
        const wrapped = wrap(this, type, handler);
        if (!wrapped) return;
        Object.assign(wrapped, { [WRAPPED]: handler, [ON_HANDLER]: true });
        this.on(type, wrapped);
      },
    });
  }
}
