/**
 * `wscope load --report FILE.html`: the real CLI runs against an echo server, and the page it
 * writes is opened in Chromium with every request that is not the file itself refused, as a
 * reader with no network would open it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import type { LoadResult } from '../../src/load/index.js';
import { killAll, ROOT, runCli, tempDir } from '../cli/helpers.js';
import { launchChromium } from '../interop/chromium-peer.js';
import { echoServer } from '../node/helpers.js';

/** Each plot's accessible name, and the colours its series are drawn in (src/load/report/page/main.ts). */
const PLOTS = [
  {
    name: /reply latency p50, p99 and max per second/,
    colours: [
      [31, 119, 180],
      [214, 39, 40],
      [148, 103, 189],
    ],
  },
  {
    name: /messages sent \(out\) and received \(in\) per second/,
    colours: [
      [44, 160, 44],
      [255, 127, 14],
    ],
  },
  { name: /number of replies by latency/, colours: [[31, 119, 180]] },
  {
    name: /connections open at the end of each second/,
    colours: [
      [31, 119, 180],
      [44, 160, 44],
      [140, 86, 75],
      [214, 39, 40],
    ],
  },
];

/** What the test reads of a canvas in the page (the test code has no DOM types). */
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> } } | null;
}

/** "1.23 ms" / "850 µs" / "1.2 s" back to µs. */
function micros(text: string): number {
  const match = /^([\d.]+) (µs|ms|s)$/.exec(text.trim());
  assert.ok(match, `not a time: ${text}`);
  return Number(match[1]) * { µs: 1, ms: 1000, s: 1_000_000 }[match[2] as 'µs' | 'ms' | 's'];
}

describe('load --report', { timeout: 120_000 }, () => {
  const dir = tempDir();
  let browser: Browser;
  let server: Awaited<ReturnType<typeof echoServer>>;
  let result: LoadResult;
  const report = join(dir.path, 'run.html');

  before(async () => {
    server = await echoServer();
    const json = join(dir.path, 'run.json');
    // A rate, so the run has several seconds with replies in each; two workers, so the report draws merged figures.
    const run = await runCli(
      ['load', server.url, '-c', '6', '-d', '3', '--rate', '40/s', '--workers', '2', '-q', '--json', json, '--report', report],
      undefined,
      {
        timeoutMs: 60_000,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    result = JSON.parse(readFileSync(json, 'utf8')) as LoadResult;
    assert.ok(result.totals.messages.matched > 100, `only ${result.totals.messages.matched} replies matched`);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.server.close();
    killAll();
    dir.remove();
  });

  test('the page opens offline: four named plots drawn, data tables, the summary equal to the JSON', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const refused: string[] = [];
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith('file:')) return route.continue();
      refused.push(route.request().url());
      return route.abort();
    });
    await page.goto(pathToFileURL(report).href);

    for (const plot of PLOTS) {
      const image = page.getByRole('img', { name: plot.name });
      assert.equal(await image.count(), 1, `one plot named ${plot.name}`);
      // Drawn: the canvas holds pixels in its series' colours, not only axes and grid.
      const inColour = await image.locator('canvas').evaluate((node, colours) => {
        const canvas = node as unknown as PageCanvas;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          const near = colours.some(([r, g, b]) => Math.abs(pixels[i]! - r!) < 12 && Math.abs(pixels[i + 1]! - g!) < 12 && Math.abs(pixels[i + 2]! - b!) < 12);
          if (near && pixels[i + 3]! > 200) n++;
        }
        return n;
      }, plot.colours);
      assert.ok(inColour > 50, `${plot.name}: ${inColour} pixels of its series drawn`);
      // The figure that holds it has a heading for a name and a data table to fall back on.
      const figure = page.locator('figure', { has: image });
      assert.ok((await figure.getAttribute('aria-labelledby'))?.startsWith('title-'));
      assert.ok((await figure.locator('details table tbody tr').count()) > 0);
    }

    // The per-second tables have a row per second of the result.
    const latencyRows = page.locator('#figure-latency details table tbody tr');
    assert.equal(await latencyRows.count(), result.series.length);
    // The histogram's buckets hold every matched reply, read from the serialised HDR histogram.
    const bucketCounts = await page.locator('#figure-histogram details table tbody tr td:nth-child(3)').allTextContents();
    assert.equal(
      bucketCounts.reduce((sum, text) => sum + Number(text.replaceAll(',', '')), 0),
      result.latency.count,
    );

    // The summary's p99 is the JSON's, as a number and as the text a person reads.
    const p99 = page.locator('#summary tr[data-key="latency-p99"] td');
    assert.equal(await p99.getAttribute('data-value'), String(result.latency.p99));
    const shown = micros((await p99.textContent()) ?? '');
    assert.ok(Math.abs(shown - result.latency.p99) <= Math.max(1, result.latency.p99 * 0.005), `shown ${shown} µs, JSON ${result.latency.p99} µs`);
    const sent = page.locator('#summary tr[data-key="messages-sent"] td');
    assert.equal(Number(((await sent.textContent()) ?? '').replaceAll(',', '')), result.totals.messages.sent);

    assert.deepEqual(refused, [], 'the page asked for nothing but itself');
    assert.deepEqual(errors, []);

    // The screenshot in docs/ is taken by this test when asked (WSCOPE_SCREENSHOTS=1 npm test), so a plain run leaves the tree clean.
    if (process.env.WSCOPE_SCREENSHOTS === '1') await page.screenshot({ path: join(ROOT, 'docs', 'load-report.png'), fullPage: true });
    await page.close();
  });

  test('a report that cannot be written: one line on stderr, non-zero exit', async () => {
    const run = await runCli(['load', server.url, '-c', '1', '-d', '1', '-q', '--report', join(dir.path, 'missing', 'run.html')], undefined, {
      timeoutMs: 30_000,
    });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /^error: cannot write .*missing\/run\.html: ENOENT\n$/);
  });
});
