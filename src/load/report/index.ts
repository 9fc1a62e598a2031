/**
 * `--report FILE.html`: the run's result as a page that needs nothing but a browser: the summary
 * table, and plots of latency, throughput, the latency histogram and connections over time.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { LoadResult } from '../result.js';
import { reportHtml, type PageAssets } from './html.js';
import { reportData } from './plot-data.js';

export { reportData } from './plot-data.js';
export type { ReportData } from './page/data.js';

/** The plotting script and uPlot's styles, bundled at build time by scripts/bundle-report.mjs beside this module. */
async function pageAssets(): Promise<PageAssets> {
  try {
    const [script, css] = await Promise.all([
      readFile(new URL('./page.js', import.meta.url), 'utf8'),
      readFile(new URL('./page.css', import.meta.url), 'utf8'),
    ]);
    return { script, css };
  } catch {
    throw new Error('the report page is not built (dist/src/load/report/page.js): run `npm run build`');
  }
}

/** The report's HTML for a result. */
export async function renderReport(result: LoadResult): Promise<string> {
  return reportHtml(result, reportData(result), await pageAssets());
}

/** Write the report for `result` to `file`. */
export async function writeReport(result: LoadResult, file: string): Promise<void> {
  await writeFile(file, await renderReport(result));
}
