/**
 * The composer (a live client or server only): a message as text, JSON, hex or base64; a ping
 * with a payload; a close with a code and reason. Each is checked here first (the server checks
 * again), and what goes out shows up in the message table through the trace, as any sent row.
 */
import { useState } from 'preact/hooks';
import { closeRefusal, pingRefusal } from '../composing.js';
import type { ComposedMessage } from '../wire.js';
import type { SendComposed, SendTo } from './commands.js';
import { checkJson, parseBase64, parseHex, prettyJsonInput, toBase64 } from './compose-input.js';
import { size } from './format.js';
import type { Connection } from './model.js';

type Mode = 'text' | 'json' | 'hex' | 'base64';

const MODES: ReadonlyArray<[Mode, string]> = [
  ['text', 'Text'],
  ['json', 'JSON'],
  ['hex', 'Binary (hex)'],
  ['base64', 'Binary (base64)'],
];

interface ComposerProps {
  /** Listen mode: a "To" choice of each open client, or all. */
  clients: boolean;
  connections: readonly Connection[];
  send: SendComposed;
}

export function Composer({ clients, connections, send }: ComposerProps) {
  const [mode, setMode] = useState<Mode>('text');
  const [text, setText] = useState('');
  const [pingData, setPingData] = useState('');
  const [code, setCode] = useState('1000');
  const [reason, setReason] = useState('');
  const [to, setTo] = useState<number | 'all'>('all');
  const [note, setNote] = useState('');
  const open = connections.filter((c) => c.handshake?.role === 'server' && c.handshake.status === 101 && !c.close);
  const target: SendTo = clients ? (open.some((c) => c.conn === to) ? to : 'all') : undefined;

  const go = async (message: ComposedMessage | { error: string }, what: string) => {
    if ('error' in message) return setNote(`Not sent: ${message.error}`);
    setNote(`Sending ${what}…`);
    const error = await send(target, message);
    setNote(error === undefined ? `Sent ${what}` : `Not sent: ${error}`);
  };

  const sendMessage = () => {
    if (mode === 'text' || mode === 'json') {
      const checked = mode === 'json' ? checkJson(text) : { value: text };
      if ('error' in checked) return go(checked, '');
      return go({ kind: 'text', data: checked.value }, `${mode === 'json' ? 'JSON' : 'text'} message (${size(new TextEncoder().encode(text).length)})`);
    }
    const bytes = mode === 'hex' ? parseHex(text) : parseBase64(text);
    if ('error' in bytes) return go(bytes, '');
    return go({ kind: 'binary', base64: toBase64(bytes.value) }, `binary message (${size(bytes.value.length)})`);
  };

  const pretty = () => {
    const result = prettyJsonInput(text);
    if ('error' in result) setNote(`Not reformatted: ${result.error}`);
    else {
      setText(result.value);
      setNote('');
    }
  };

  const sendPing = () => {
    const refused = pingRefusal(pingData);
    return go(refused ? { error: refused } : { kind: 'ping', data: pingData }, 'ping');
  };

  const sendClose = () => {
    const number = /^\s*\d+\s*$/.test(code) ? Number(code) : Number.NaN;
    if (Number.isNaN(number)) return go({ error: `${JSON.stringify(code)} is not a close code` }, '');
    const refused = closeRefusal(number, reason);
    return go(refused ? { error: refused } : { kind: 'close', code: number, reason }, `close ${number}`);
  };

  return (
    <section class="composer" aria-label="Composer">
      <div class="composer-bar">
        <label>
          Mode{' '}
          <select value={mode} onChange={(e) => setMode(e.currentTarget.value as Mode)}>
            {MODES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {clients && (
          <label>
            To{' '}
            <select aria-label="To" value={String(target)} onChange={(e) => setTo(e.currentTarget.value === 'all' ? 'all' : Number(e.currentTarget.value))}>
              <option value="all">All clients ({open.length})</option>
              {open.map((c) => (
                <option key={c.conn} value={String(c.conn)}>
                  {c.url} (connection {c.conn})
                </option>
              ))}
            </select>
          </label>
        )}
        {mode === 'json' && (
          <button type="button" onClick={pretty}>
            Pretty
          </button>
        )}
        <button type="button" onClick={() => void sendMessage()}>
          Send
        </button>
        <output class="composer-note" aria-label="Composer result">
          {note}
        </output>
      </div>
      <textarea
        aria-label="Message"
        placeholder={PLACEHOLDERS[mode]}
        value={text}
        spellcheck={false}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
          e.preventDefault();
          void sendMessage();
        }}
      />
      <div class="composer-bar">
        <label>
          Ping payload <input type="text" value={pingData} onInput={(e) => setPingData(e.currentTarget.value)} />
        </label>
        <button type="button" onClick={() => void sendPing()}>
          Ping
        </button>
        <label>
          Close code <input class="code" type="text" inputMode="numeric" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        </label>
        <label>
          Close reason <input type="text" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <button type="button" onClick={() => void sendClose()}>
          Close
        </button>
      </div>
    </section>
  );
}

const PLACEHOLDERS: Record<Mode, string> = {
  text: 'a text message (Ctrl+Enter sends)',
  json: '{"type": "hello"} (checked before it is sent; Ctrl+Enter sends)',
  hex: '48 65 6c 6c 6f (Ctrl+Enter sends)',
  base64: 'SGVsbG8= (Ctrl+Enter sends)',
};
