/**
 * What the peer sent, made safe for a terminal: control characters (C0 but newline and tab, DEL,
 * C1) shown as escapes (`\x1b[2J`, `\r`, `\x07`, `\x9b`) instead of being executed, so a server
 * cannot clear, repaint or retitle the tester's screen, and what is seen is what was sent.
 * Pipe mode's records never pass through here: data is written as it came.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function escapeControls(text: string): string {
  return text.replace(CONTROL, (char) => (char === '\r' ? '\\r' : `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
