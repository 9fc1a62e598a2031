/** For the inspector's tests: Debian's Chromium through playwright-core, and the CLI's printed inspector URL. */
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import type { CliProcess } from '../cli/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** The URL the CLI printed (`inspector: http://127.0.0.1:PORT/?token=...`) on `stream`. */
export async function inspectorUrl(cli: CliProcess, stream: 'stdout' | 'stderr', timeoutMs = 8000): Promise<URL> {
  const match = await cli.waitFor(stream, /inspector: (http:\/\/\S+)/, timeoutMs);
  return new URL(match[1]!);
}

/** Wait until `locator`'s text is `text` (or matches it), bounded; fails with what it last saw. */
export async function textBecomes(locator: Locator, text: string | RegExp, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string | null = null;
  while (Date.now() < deadline) {
    seen = await locator.textContent({ timeout: timeoutMs });
    if (typeof text === 'string' ? seen === text : text.test(seen ?? '')) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`expected ${text} and saw ${JSON.stringify(seen)}`);
}

/** The message grid's rows, without its header row. */
export function messageRows(page: Page): Locator {
  return page
    .getByRole('grid', { name: 'Messages' })
    .getByRole('row')
    .filter({ hasNot: page.getByRole('columnheader') });
}
