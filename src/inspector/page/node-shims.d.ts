// The page type-checks the trace's writers it bundles (src/trace/) against buffer-shim.ts, the Buffer it is given.
declare var Buffer: typeof import('./buffer-shim.js').Buffer;
type Buffer = import('./buffer-shim.js').Bytes;

declare module 'node:buffer' {
  export const isUtf8: typeof import('./buffer-shim.js').isUtf8;
}
