/**
 * Which route serves a request's path: `/status` exactly, `/chat/*` one segment (`/chat/room1`,
 * not `/chat/a/b`), `/files/**` any rest (`/files`, `/files/a/b`). The query is not part of it.
 * An exact path wins over a pattern; among patterns, the first in the file wins.
 */
export function compilePattern(pattern: string): RegExp {
  if (!pattern.startsWith('/')) throw new Error(`a path must start with '/', got '${pattern}'`);
  if (/[?#]/.test(pattern)) throw new Error(`a path has no query or fragment, got '${pattern}'`);
  const segments = pattern.split('/').slice(1);
  const parts = segments.map((segment, i) => {
    if (segment === '**') {
      if (i !== segments.length - 1) throw new Error(`'**' may only end a path, got '${pattern}'`);
      return '(?:/.*)?';
    }
    if (segment.includes('**')) throw new Error(`'**' is a whole segment (/files/**), got '${pattern}'`);
    // A whole `*` is a segment that is there: /chat/* serves /chat/room1, not /chat/.
    if (segment === '*') return '/[^/]+';
    return `/${segment.split('*').map(escapeRegExp).join('[^/]*')}`;
  });
  return new RegExp(`^${parts.join('')}$`);
}

export function isPattern(pattern: string): boolean {
  return pattern.includes('*');
}

/** The route for `path` (without its query), or undefined: nobody serves it, a 404. */
export function findRoute<T extends { pattern: string }>(routes: readonly T[], path: string): T | undefined {
  return routes.find((route) => route.pattern === path) ?? routes.find((route) => isPattern(route.pattern) && compilePattern(route.pattern).test(path));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
