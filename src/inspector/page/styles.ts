/** Light and dark from the system setting (prefers-color-scheme), through a few variables. */
export const STYLES = `
:root { --bg: #fff; --fg: #1d1d1f; --muted: #6b6b70; --line: #dcdce0; --sel: #d7e8ff; --out: #0a6b2d; --in: #1f4fd1; --ctl: #8a5a00; --panel: #f6f6f8; color-scheme: light dark; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #16171a; --fg: #e6e6ea; --muted: #9a9aa3; --line: #34353b; --sel: #233a5c; --out: #5fd38a; --in: #79a6ff; --ctl: #e0b050; --panel: #1e1f23; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 13px/1.4 system-ui, sans-serif; }
.app { display: grid; grid-template-columns: 280px 1fr; grid-template-rows: auto 1fr; height: 100vh; }
header { grid-column: 1 / 3; display: flex; gap: 12px; align-items: baseline; padding: 6px 12px; border-bottom: 1px solid var(--line); background: var(--panel); }
h1 { font-size: 15px; margin: 0; }
h2 { font-size: 13px; margin: 0 0 4px; }
.title, .hint { color: var(--muted); }
.status { color: var(--muted); }
.export { color: var(--in); }
.export:first-of-type { margin-left: auto; }
.connections { border-right: 1px solid var(--line); overflow: auto; padding: 6px; display: flex; flex-direction: column; gap: 4px; }
.connections button { text-align: left; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 4px; padding: 4px 6px; cursor: pointer; display: flex; flex-direction: column; font: inherit; }
.connections button[aria-pressed="true"] { background: var(--sel); }
.connections .url { font-family: ui-monospace, monospace; word-break: break-all; }
.connections .state, .connections .counts { color: var(--muted); font-size: 12px; }
main { display: flex; flex-direction: column; min-height: 0; overflow: hidden; }
.handshake { padding: 6px 12px; border-bottom: 1px solid var(--line); max-height: 30vh; overflow: auto; }
.handshake p { margin: 2px 0; }
.handshake .headers { display: flex; gap: 16px; flex-wrap: wrap; }
.handshake table { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 12px; }
.handshake caption { text-align: left; font-weight: 600; font-family: system-ui, sans-serif; }
.handshake th { text-align: left; color: var(--muted); font-weight: normal; padding-right: 8px; }
.error { color: #c62828; }
.filters { display: flex; gap: 12px; align-items: center; padding: 6px 12px; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.filters input[type=search] { width: 260px; }
.count { color: var(--muted); }
.grid { flex: 1; display: flex; flex-direction: column; min-height: 120px; outline: none; font-family: ui-monospace, monospace; font-size: 12px; }
.grid:focus-visible { box-shadow: inset 0 0 0 2px var(--in); }
.row { display: grid; grid-template-columns: 28px 96px 80px 110px 56px 1fr; height: 24px; align-items: center; padding: 0 12px; white-space: nowrap; }
.row > span { overflow: hidden; text-overflow: ellipsis; }
.row.head { font-family: system-ui, sans-serif; font-weight: 600; border-bottom: 1px solid var(--line); background: var(--panel); }
.body { flex: 1; overflow: auto; position: relative; }
.spacer { position: relative; }
.body .row { position: absolute; left: 0; right: 0; cursor: pointer; border-bottom: 1px solid var(--line); }
.row.selected { background: var(--sel); }
.row.marked { background: var(--sel); outline: 1px dashed var(--in); outline-offset: -1px; }
.row.out .dir { color: var(--out); }
.row.in .dir { color: var(--in); }
.row.ping, .row.pong, .row.close { color: var(--ctl); }
.detail { border-top: 1px solid var(--line); padding: 6px 12px; height: 30vh; overflow: auto; background: var(--panel); }
.detail figure { margin: 0; }
.detail pre { margin: 0; font-size: 12px; white-space: pre-wrap; word-break: break-all; }
.toolbar { display: flex; gap: 8px; align-items: center; padding: 4px 12px; border-bottom: 1px solid var(--line); }
.toolbar button, .views button, .json-tree button.more { font: inherit; font-size: 12px; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 4px; padding: 1px 8px; cursor: pointer; }
.toolbar button[aria-pressed="true"] { background: var(--sel); }
.toolbar .held { color: var(--ctl); font-weight: 600; }
.views { display: flex; gap: 4px; margin: 4px 0; }
.views button[aria-selected="true"] { background: var(--sel); border-color: var(--in); }
.close-info { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 4px 0; }
.close-info dt { color: var(--muted); }
.close-info dd { margin: 0; }
.json-tree ul { list-style: none; margin: 0; padding-left: 16px; font-family: ui-monospace, monospace; font-size: 12px; }
.json-tree > ul { padding-left: 0; }
.json-tree li:focus { outline: none; }
.json-tree li:focus > .node { box-shadow: inset 0 0 0 1px var(--in); background: var(--sel); }
.json-tree .node { display: flex; gap: 6px; align-items: center; min-height: 20px; }
.json-tree .twisty { width: 14px; border: 0; background: none; color: var(--muted); padding: 0; cursor: pointer; font: inherit; }
.json-tree .key { color: var(--in); }
.json-tree .value { color: var(--fg); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.json-tree .value.string { color: var(--out); }
.json-tree .value.number, .json-tree .value.boolean, .json-tree .value.null { color: var(--ctl); }
.json-tree .copy { font: inherit; font-size: 11px; color: var(--muted); background: none; border: 1px solid transparent; border-radius: 3px; padding: 0 4px; cursor: pointer; opacity: 0; }
.json-tree .node:hover .copy, .json-tree li:focus > .node .copy, .json-tree .copy:focus { opacity: 1; border-color: var(--line); }
.json-tree .copied { color: var(--muted); font-size: 12px; }
.composer { border-top: 1px solid var(--line); padding: 6px 12px; display: flex; flex-direction: column; gap: 6px; }
.composer-bar { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.composer textarea { width: 100%; min-height: 64px; resize: vertical; font: 12px/1.4 ui-monospace, monospace; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 4px; padding: 4px 6px; }
.composer .code { width: 64px; }
.composer-note { color: var(--muted); }
`;
