import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Peer } from './peer.js';
import { runClientScript } from './script-runner.js';
import { crc32, patternBytes, type ClientEvent } from './script.js';

/** Debian's chromium; playwright-core drives it and never downloads a browser of its own. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's headless Chromium, through playwright-core, with `extraArgs` after ours; a clear error if it is not installed. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install the Debian package chromium (.ci/run does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs], timeout: 30_000 });
}

let browser: Browser | undefined;
let page: Page | undefined;

/** Chromium's own WebSocket, in a headless page: a client only, with the WHATWG API's limits. */
export const chromiumPeer: Peer = {
  name: 'Chromium',
  abilities: {
    server: false,
    sendFragments: false,
    ping: false,
    requiresSubprotocol: true,
    // WHATWG WebSocket close(): "If code is present, but is neither an integer equal to 1000 nor
    // an integer in the range 3000 to 4999, inclusive, throw an InvalidAccessError".
    cannotCloseWith: (code) =>
      code === undefined || code === 1000 || (code >= 3000 && code <= 4999) ? undefined : `the browser API allows only 1000 and 3000–4999, not ${code}`,
  },
  setUp: async () => {
    browser = await launchChromium();
    page = await browser.newPage();
  },
  tearDown: async () => {
    await browser?.close();
    browser = undefined;
    page = undefined;
  },
  startServer: () => Promise.reject(new Error('Chromium has no server role')),
  runClient: async (url, script, timeoutMs) => {
    if (!page) throw new Error('Chromium is not running');
    // The runner and its helpers go to the page as source: the same code the ws peer runs in Node.
    const env = `{ open: (url, protocols) => new WebSocket(url, protocols), crc32: ${crc32.toString()}, patternBytes: ${patternBytes.toString()} }`;
    const call = `(${runClientScript.toString()})(${env}, ${JSON.stringify(url)}, ${JSON.stringify(script)}, ${timeoutMs})`;
    return (await page.evaluate(call)) as ClientEvent[];
  },
};
