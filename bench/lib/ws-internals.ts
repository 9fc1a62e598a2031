import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { EventEmitter } from 'node:events';

/**
 * ws's hot-path modules, loaded by file path (its `exports` map hides them), so the
 * micro-benchmarks compare against exactly what a ws server runs.
 */
const require = createRequire(import.meta.url);
const wsRoot = dirname(require.resolve('ws/package.json'));
const bufferUtilPath = join(wsRoot, 'lib', 'buffer-util.js');

export interface WsBufferUtil {
  mask(source: Buffer, mask: Buffer, output: Buffer, offset: number, length: number): void;
  unmask(buffer: Buffer, mask: Buffer): void;
}

export interface WsReceiver extends EventEmitter {
  write(chunk: Buffer): boolean;
}

export interface WsSenderStatic {
  frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[];
}

export function wsBufferUtil(): WsBufferUtil {
  return require(bufferUtilPath) as WsBufferUtil;
}

/** buffer-util.js as ws loads it when `bufferutil` is absent: its pure-JS loops. */
export function wsBufferUtilWithoutNative(): WsBufferUtil {
  const saved = require.cache[bufferUtilPath];
  delete require.cache[bufferUtilPath];
  const before = process.env['WS_NO_BUFFER_UTIL'];
  process.env['WS_NO_BUFFER_UTIL'] = '1';
  try {
    return require(bufferUtilPath) as WsBufferUtil;
  } finally {
    if (before === undefined) delete process.env['WS_NO_BUFFER_UTIL'];
    else process.env['WS_NO_BUFFER_UTIL'] = before;
    if (saved) require.cache[bufferUtilPath] = saved;
  }
}

export function wsIsValidUtf8(): (bytes: Buffer) => boolean {
  return (require(join(wsRoot, 'lib', 'validation.js')) as { isValidUTF8: (bytes: Buffer) => boolean }).isValidUTF8;
}

export function wsReceiver(options: { isServer: boolean; maxPayload: number }): WsReceiver {
  const Receiver = require(join(wsRoot, 'lib', 'receiver.js')) as new (options: object) => WsReceiver;
  return new Receiver({ ...options, binaryType: 'nodebuffer', extensions: {}, skipUTF8Validation: false });
}

export function wsSender(): WsSenderStatic {
  return require(join(wsRoot, 'lib', 'sender.js')) as WsSenderStatic;
}

/**
 * What ws will use for masking and UTF-8 checks in this process. ws picks `bufferutil` when it
 * loads; on Node >= 18.14 it checks UTF-8 with the runtime's `buffer.isUtf8` and never loads
 * `utf-8-validate` (that package only serves older runtimes).
 */
export function wsNativeStatus(): { bufferutil: boolean; utf8: 'buffer.isUtf8' | 'utf-8-validate' | 'js' } {
  const util = wsBufferUtil();
  const validate = wsIsValidUtf8();
  const loaded = (name: string): boolean => Object.keys(require.cache).some((path) => path.includes(`/node_modules/${name}/`));
  const bufferutil = loaded('bufferutil') && util.mask.toString().includes('bufferUtil.mask');
  const utf8 = validate.toString().includes('isUtf8(buf)') ? 'buffer.isUtf8' : loaded('utf-8-validate') ? 'utf-8-validate' : 'js';
  return { bufferutil, utf8 };
}
