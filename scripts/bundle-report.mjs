// Bundles the load report's plotting script (src/load/report/page/, uPlot) into
// dist/src/load/report/page.js and page.css, which writeReport inlines into each report: one
// self-contained HTML file, no network. Run by build and test.
import { build } from 'esbuild';

await build({
  entryPoints: { page: new URL('../src/load/report/page/main.ts', import.meta.url).pathname },
  outdir: new URL('../dist/src/load/report/', import.meta.url).pathname,
  bundle: true,
  // A classic script: the report inlines it in a <script> element, which a file:// page runs without module loading.
  format: 'iife',
  minify: true,
  sourcemap: false,
  target: 'es2022',
  logLevel: 'warning',
});
