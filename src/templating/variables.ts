/**
 * The variables a template can name, in layers: what the caller puts on top (a mock server's
 * `message`, a load tester's `conn`), values captured while running, `--var k=v`, the chosen
 * environment of the file; and the dynamic ones, computed at each use: `$uuid`, `$timestamp`,
 * `$isoTimestamp`, `$randomInt`, `$seq`, `$env.NAME`.
 */
import { randomInt, randomUUID } from 'node:crypto';

export type Lookup = { found: true; value: unknown } | { found: false; why?: string };

export interface VariablesInit {
  /** The file's environment (`env.NAME`), lowest layer. */
  environment?: Record<string, unknown>;
  /** `--var k=v`, above the environment. */
  overrides?: Record<string, unknown>;
  /** What `$env.NAME` reads (default process.env). */
  processEnv?: Record<string, string | undefined>;
  /** `$timestamp`'s clock, ms since the epoch (default Date.now). */
  now?: () => number;
}

/** Shared by a root and every scope made from it: one `$seq` counter per run. */
interface Shared {
  seq: number;
  processEnv: Record<string, string | undefined>;
  now: () => number;
}

export class Variables {
  /** Values set while running (captures), above the layers given at creation. */
  private readonly captured = new Map<string, unknown>();

  private constructor(
    private readonly layers: ReadonlyArray<Record<string, unknown>>,
    private readonly shared: Shared,
    private readonly parent: Variables | undefined,
  ) {}

  static create(init: VariablesInit = {}): Variables {
    return new Variables(
      [init.overrides ?? {}, init.environment ?? {}],
      { seq: 0, processEnv: init.processEnv ?? process.env, now: init.now ?? Date.now },
      undefined,
    );
  }

  /** A scope on top of these variables: `scope`'s names first, captures made in it stay in it. */
  with(scope: Record<string, unknown>): Variables {
    return new Variables([scope], this.shared, this);
  }

  /** Set a variable (a captured value) in this scope. */
  set(name: string, value: unknown): void {
    this.captured.set(name, value);
  }

  lookup(name: string): Lookup {
    const dynamic = this.dynamic(name);
    if (dynamic) return dynamic;
    const direct = this.find(name);
    if (direct.found) return direct;
    // `message.id`: a path into a variable holding an object.
    const parts = name.split('.');
    for (let cut = parts.length - 1; cut >= 1; cut--) {
      const head = this.find(parts.slice(0, cut).join('.'));
      if (!head.found) continue;
      let value = head.value;
      for (const part of parts.slice(cut)) {
        if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) {
          return { found: false, why: `"${parts.slice(0, cut).join('.')}" has no "${parts.slice(cut).join('.')}"` };
        }
        value = (value as Record<string, unknown>)[part];
      }
      return { found: true, value };
    }
    return { found: false };
  }

  /** The names a template can use here, for "known variables: ..." in an error. */
  names(): string[] {
    const names = new Set<string>();
    for (let scope: Variables | undefined = this; scope; scope = scope.parent) {
      for (const name of scope.captured.keys()) names.add(name);
      for (const layer of scope.layers) for (const name of Object.keys(layer)) names.add(name);
    }
    return [...names].sort();
  }

  private find(name: string): Lookup {
    for (let scope: Variables | undefined = this; scope; scope = scope.parent) {
      if (scope.captured.has(name)) return { found: true, value: scope.captured.get(name) };
      for (const layer of scope.layers) if (Object.hasOwn(layer, name)) return { found: true, value: layer[name] };
    }
    return { found: false };
  }

  private dynamic(name: string): Lookup | undefined {
    if (!name.startsWith('$')) return undefined;
    if (name.startsWith('$env.')) {
      const value = this.shared.processEnv[name.slice(5)];
      return value === undefined ? { found: false, why: `the environment variable ${name.slice(5)} is not set` } : { found: true, value };
    }
    switch (name) {
      case '$uuid':
        return { found: true, value: randomUUID() };
      case '$timestamp':
        // Seconds since the epoch, as Postman's {{$timestamp}}.
        return { found: true, value: Math.floor(this.shared.now() / 1000) };
      case '$isoTimestamp':
        return { found: true, value: new Date(this.shared.now()).toISOString() };
      case '$randomInt':
        // 0 to 1000 inclusive, as Postman's.
        return { found: true, value: randomInt(0, 1001) };
      case '$seq':
        this.shared.seq += 1;
        return { found: true, value: this.shared.seq };
      default:
        return { found: false, why: `${name} is not a dynamic variable (there are $uuid, $timestamp, $isoTimestamp, $randomInt, $seq, $env.NAME)` };
    }
  }
}
