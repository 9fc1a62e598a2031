// Bundles the inspector's page (src/inspector/page/, Preact) into dist/src/inspector/page.js,
// where the inspector's server reads it: one file, no CDN, works offline. Run by build and test.
import { build } from 'esbuild';

// The page's exports are made by the trace's own writers (src/trace/), which use a little of Buffer.
const shim = new URL('../src/inspector/page/buffer-shim.ts', import.meta.url).pathname;

await build({
  entryPoints: [new URL('../src/inspector/page/main.tsx', import.meta.url).pathname],
  outfile: new URL('../dist/src/inspector/page.js', import.meta.url).pathname,
  bundle: true,
  format: 'esm',
  minify: true,
  sourcemap: false,
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  inject: [shim],
  alias: { 'node:buffer': shim },
  logLevel: 'warning',
});
