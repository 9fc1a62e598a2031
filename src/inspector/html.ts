/** The page's HTML: a shell the bundle fills; the token rides in the URL of the script and the socket. */
export function PAGE_HTML(token: string, title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>wscope inspector: ${escapeHtml(title)}</title>
</head>
<body>
<div id="app"></div>
<script type="module" src="/page.js?token=${encodeURIComponent(token)}"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
