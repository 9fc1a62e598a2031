/** `-H` pairs as grpc-js Metadata (a `-bin` key's base64 value as its bytes), and metadata as lines for `-v`. */
import { Buffer } from 'node:buffer';
import * as grpc from '@grpc/grpc-js';

export function metadataOf(pairs: ReadonlyArray<[string, string]>): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of pairs) metadata.add(key, key.endsWith('-bin') ? Buffer.from(value, 'base64') : value);
  return metadata;
}

/** `key: value` lines, binary values in base64 (as they are given with -H). */
export function metadataLines(metadata: grpc.Metadata): string[] {
  const lines: string[] = [];
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    for (const value of values) lines.push(`${key}: ${Buffer.isBuffer(value) ? value.toString('base64') : value}`);
  }
  return lines;
}
