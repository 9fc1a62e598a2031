/**
 * A stream of JSON objects, one a line or concatenated (`{"a":1}{"a":2}`), cut as the bytes
 * arrive so each message can be sent the moment its closing brace is read.
 */
export class JsonValueError extends Error {
  override name = 'JsonValueError';
}

export class JsonObjectSplitter {
  private buffer = '';
  /** Where the scan of `buffer` stopped, and its state there. */
  private scanned = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private count = 0;

  /** Feed text; the objects it completes, parsed. */
  push(text: string): unknown[] {
    this.buffer += text;
    const values: unknown[] = [];
    for (let i = this.scanned; i < this.buffer.length; i += 1) {
      const char = this.buffer[i];
      if (this.depth === 0) {
        if (char === ' ' || char === '\n' || char === '\r' || char === '\t') continue;
        if (char !== '{') throw new JsonValueError(`message ${this.count + 1}: expected a JSON object, got ${JSON.stringify(this.buffer.slice(i, i + 20))}`);
        this.buffer = this.buffer.slice(i);
        i = 0;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
        continue;
      }
      if (char === '"') this.inString = true;
      else if (char === '{' || char === '[') this.depth += 1;
      else if (char === '}' || char === ']') {
        this.depth -= 1;
        if (this.depth === 0) {
          values.push(this.parse(this.buffer.slice(0, i + 1)));
          this.buffer = this.buffer.slice(i + 1);
          i = -1;
        }
      }
    }
    this.scanned = this.buffer.length;
    if (this.depth === 0) {
      this.buffer = '';
      this.scanned = 0;
    }
    return values;
  }

  /** The input ended: an object left open is an error. */
  end(): void {
    if (this.depth > 0 || this.buffer.trim() !== '') throw new JsonValueError(`message ${this.count + 1}: the input ended inside a JSON object`);
  }

  private parse(text: string): unknown {
    this.count += 1;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new JsonValueError(`message ${this.count}: ${(error as Error).message}`);
    }
  }
}

/** Every object in a complete text (`-d '{...}'`). */
export function parseJsonObjects(text: string): unknown[] {
  const splitter = new JsonObjectSplitter();
  const values = splitter.push(text);
  splitter.end();
  return values;
}
