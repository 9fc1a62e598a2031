/** How steps show what came: a message's text (cut), binary as hex, a close with its code's name. */
import type { Buffer } from 'node:buffer';
import { describeCloseCode } from '../../index.js';
import { describeBytes } from '../../matchers/index.js';
import type { CloseInfo } from '../connection.js';

const MAX_TEXT = 2000;

export function showMessage(data: Buffer, binary: boolean): string {
  if (binary) return `[binary ${data.length} B] ${describeBytes(data)}`;
  const text = data.toString('utf8');
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}... (${text.length} characters)` : text;
}

export function showClose(close: CloseInfo): string {
  const { name } = describeCloseCode(close.code);
  const reason = close.reason !== '' ? ` "${close.reason}"` : '';
  const error = close.error ? ` (${close.error.message})` : '';
  return `${close.code} ${name}${reason}${error}`;
}
