/**
 * The few parts of Node's Buffer (and node:buffer's isUtf8) that the trace's writers use, for the
 * page: the page builds its exports with the repo's own HAR and JSONL writers (src/trace/), which
 * run on Node. scripts/bundle-inspector.mjs puts this in Buffer's place and node:buffer's;
 * node-shims.d.ts gives the writers these types, so a writer that starts using more of Buffer
 * fails the page's type check instead of failing in the browser.
 */
/** A Buffer's bytes: Uint8Array and the instance methods the writers call. */
export class Bytes extends Uint8Array {
  override toString(encoding: 'utf8' | 'base64' = 'utf8'): string {
    if (encoding === 'utf8') return new TextDecoder().decode(this);
    let binary = '';
    // In slices: String.fromCharCode takes its bytes as arguments, and a message can be megabytes.
    for (let i = 0; i < this.length; i += 0x8000) binary += String.fromCharCode(...this.subarray(i, i + 0x8000));
    return btoa(binary);
  }

  writeUInt16BE(value: number, offset: number): number {
    this[offset] = value >>> 8;
    this[offset + 1] = value & 0xff;
    return offset + 2;
  }

  copy(target: Uint8Array, targetStart = 0): number {
    target.set(this, targetStart);
    return this.length;
  }
}

function from(data: string, encoding?: 'utf8' | 'base64'): Bytes;
function from(data: ArrayBufferLike, byteOffset: number, length: number): Bytes;
function from(data: string | ArrayBufferLike, second?: 'utf8' | 'base64' | number, length?: number): Bytes {
  if (typeof data !== 'string') return new Bytes(data as ArrayBuffer, second as number, length);
  if (second !== 'base64') {
    const bytes = new TextEncoder().encode(data);
    return new Bytes(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  const binary = atob(data);
  const bytes = new Bytes(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Buffer's static side: the constructors the writers call. */
export const Buffer = {
  from,
  alloc: (size: number): Bytes => new Bytes(size),
  isBuffer: (value: unknown): value is Bytes => value instanceof Bytes,
  byteLength: (text: string): number => new TextEncoder().encode(text).length,
};

export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
