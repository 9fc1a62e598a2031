/**
 * A collection at the keyboard: the saved messages of a `*.wscope.yaml` file, sent by name with
 * `{{variables}}` expanded as the scenario runner expands them (the file's environment, `--var`,
 * `$uuid`...), and messages saved into it by name. Saving edits the YAML document in place (the
 * `yaml` package's Document API), so the file's comments, order and layout stay as they were;
 * the new text is loaded as a scenario file before it is written, so a save never leaves a file
 * that `wscope run` refuses.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Document, isMap, isNode, isScalar, parseDocument, type YAMLMap } from 'yaml';
import { environmentOf, EnvironmentError, loadScenarioFile, parseScenarioFile, type ScenarioFile, ScenarioFileError } from '../scenario/index.js';
import { buildPayload, type MessageSpec, type Payload, renderValue, Variables } from '../templating/index.js';

/** The file cannot be used or written: a one-line reason, with file:line:col where there is one. */
export class CollectionError extends Error {
  override name = 'CollectionError';
}

export interface CollectionOptions {
  /** The file's environment (`--env`), default `default`. */
  envName?: string;
  /** `--var name=value`. */
  vars?: Record<string, string>;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

export class Collection {
  private file: ScenarioFile;
  private readonly variables: Variables;

  private constructor(
    readonly path: string,
    file: ScenarioFile,
    options: CollectionOptions,
  ) {
    this.file = file;
    try {
      this.variables = Variables.create({ environment: environmentOf(file, options.envName ?? 'default'), overrides: options.vars ?? {} });
    } catch (error) {
      if (error instanceof EnvironmentError) throw new CollectionError(`--env ${options.envName}: ${error.message}`);
      throw error;
    }
  }

  /** Load `path` (checked as `wscope run` checks it); a file that does not exist yet is an empty collection, written by the first save. */
  static open(path: string, options: CollectionOptions = {}): Collection {
    try {
      const file = existsSync(path) ? loadScenarioFile(path) : parseScenarioFile('{}', path);
      return new Collection(path, file, options);
    } catch (error) {
      if (error instanceof ScenarioFileError) throw new CollectionError(error.message);
      throw error;
    }
  }

  names(): string[] {
    return Object.keys(this.file.messages);
  }

  /** The message as written in the file (templates unexpanded). */
  spec(name: string): MessageSpec {
    if (!Object.hasOwn(this.file.messages, name)) {
      const names = this.names();
      throw new CollectionError(
        `no message is named "${name}" in ${this.path} (${names.length > 0 ? `messages: ${names.join(', ')}` : 'it has no messages yet: /save NAME saves the last one sent'})`,
      );
    }
    return this.file.messages[name]!;
  }

  /** The message ready to send: variables expanded, bytes decoded (a missing variable names its place). */
  payload(name: string): Payload {
    const spec = this.spec(name);
    try {
      return buildPayload(renderValue(spec, this.variables, this.file.places, this.file.messages, name), this.file.baseDir);
    } catch (error) {
      throw new CollectionError((error as Error).message);
    }
  }

  /** Save `spec` under `name` (replacing a message of that name in its place), keeping the rest of the file as it is. */
  save(name: string, spec: MessageSpec): void {
    if (!NAME.test(name)) throw new CollectionError(`"${name}" cannot name a message: use letters, digits, _ . -`);
    const text = existsSync(this.path) ? readFileSync(this.path, 'utf8') : '';
    const next = withMessage(text, name, spec);
    try {
      this.file = parseScenarioFile(next, this.path);
    } catch (error) {
      throw new CollectionError(`not saved: the file would not load (${(error as Error).message})`);
    }
    // Written whole, then renamed over: an interrupted save leaves the old file, never half a new one.
    const temporary = resolve(dirname(this.path), `.${Date.now()}-${process.pid}.wscope-save`);
    writeFileSync(temporary, next);
    renameSync(temporary, this.path);
  }
}

/** `text` with `messages.NAME` set to `spec`: the Document edited in place, so comments and layout stay. */
export function withMessage(text: string, name: string, spec: MessageSpec): string {
  // Not Document.Parsed: nodes are added to it.
  const doc: Document = parseDocument(text);
  if (doc.errors.length > 0) throw new CollectionError(`not saved: the file is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) doc.contents = doc.createNode({});
  if (!isMap(doc.contents)) throw new CollectionError('not saved: the file is not a map of env:, messages:, scenarios:');
  let messages = doc.get('messages');
  if (!isMap(messages)) {
    messages = doc.createNode({});
    doc.set('messages', messages);
  }
  const map = messages as YAMLMap;
  const existing = map.get(name, true);
  if (isScalar(existing) && typeof spec === 'string') {
    // Text over text: the scalar keeps its quotes and its comment.
    existing.value = spec;
    return doc.toString();
  }
  // A new object message takes the style of the messages around it (`hello: { json: ... }` is flow).
  const node = doc.createNode(spec, { flow: map.items.some((pair) => isMap(pair.value) && pair.value.flow) });
  if (isNode(existing)) {
    if (existing.comment) node.comment = existing.comment;
    if (existing.commentBefore) node.commentBefore = existing.commentBefore;
  }
  map.set(name, node);
  return doc.toString();
}
