/**
 * The composer's input, read as the chosen mode says: JSON checked (with the position of the first
 * mistake, which the engine's own message does not always give), hex and base64 decoded to bytes.
 * Each returns the bytes or text to send, or a message saying what is wrong and where.
 */
export type Parsed<T> = { value: T } | { error: string };

/** `text` is JSON, or where it stops being JSON. */
export function checkJson(text: string): Parsed<string> {
  try {
    JSON.parse(text);
    return { value: text };
  } catch (error) {
    const position = badJsonPosition(text);
    const before = text.slice(0, position).split('\n');
    const where = `position ${position} (line ${before.length}, column ${before.at(-1)!.length + 1})`;
    return { error: `invalid JSON at ${where}: ${(error as Error).message}` };
  }
}

/** Reformatted with two-space indents, or why it cannot be. */
export function prettyJsonInput(text: string): Parsed<string> {
  const checked = checkJson(text);
  return 'error' in checked ? checked : { value: JSON.stringify(JSON.parse(text), null, 2) };
}

/** Hex digits in pairs; whitespace and a leading 0x are ignored. */
export function parseHex(text: string): Parsed<Uint8Array> {
  const digits: string[] = [];
  const start = /^\s*0x/i.exec(text)?.[0].length ?? 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) continue;
    if (!/[0-9a-f]/i.test(c)) return { error: `invalid hex: ${JSON.stringify(c)} at position ${i} is not a hex digit` };
    digits.push(c);
  }
  if (digits.length % 2 === 1) return { error: `invalid hex: ${digits.length} digits, an odd number (each byte is two)` };
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits[2 * i]! + digits[2 * i + 1]!, 16);
  return { value: bytes };
}

/** Standard or URL-safe base64, whitespace ignored, padding optional. */
export function parseBase64(text: string): Parsed<Uint8Array> {
  const compact = text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  const bad = /[^A-Za-z0-9+/=]/.exec(compact);
  if (bad) return { error: `invalid base64: ${JSON.stringify(bad[0])} is not a base64 character` };
  const unpadded = compact.replace(/=+$/, '');
  if (unpadded.includes('=') || unpadded.length % 4 === 1) return { error: 'invalid base64: the length or the padding is wrong' };
  const binary = atob(unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return { value: bytes };
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/** The offset of the first character that breaks the JSON grammar (RFC 8259), for text JSON.parse refused. */
function badJsonPosition(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new BadJsonAt(i);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c < ' ') fail();
      if (c !== '\\') {
        i++;
        continue;
      }
      const escaped = text[i + 1];
      HEX4.lastIndex = i + 2;
      if (escaped === 'u' && HEX4.test(text)) i += 6;
      else if (escaped !== undefined && escaped !== 'u' && '"\\/bfnrt'.includes(escaped)) i += 2;
      else {
        i++;
        fail();
      }
    }
    fail();
  };
  const sequence = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ',') fail();
      i++;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      sequence('}', () => {
        space();
        if (text[i] !== '"') fail();
        string();
        space();
        if (text[i] !== ':') fail();
        i++;
        value();
      });
    } else if (c === '[') sequence(']', value);
    else if (c === '"') string();
    else {
      const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
      NUMBER.lastIndex = i;
      if (word) i += word.length;
      else if (NUMBER.test(text)) i = NUMBER.lastIndex;
      else fail();
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail();
  } catch (error) {
    if (error instanceof BadJsonAt) return error.position;
    throw error;
  }
  return i;
}

class BadJsonAt {
  constructor(readonly position: number) {}
}
