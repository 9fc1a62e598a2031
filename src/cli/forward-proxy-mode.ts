/**
 * `wscope proxy --listen PORT` without --target: the forward proxy in the terminal. Apps and
 * browsers are pointed at it; each WebSocket it can read is relayed and shown as the reverse
 * proxy shows its own (the same live view, --jsonl, --match), and it says what else went through:
 * plain HTTP requests, blind tunnels with their byte counts, refusals. The fault flags apply to
 * every WebSocket it relays, as the reverse proxy's do. With --mitm it loads (or
 * makes) its CA first and says how to trust it.
 */
import { CaFileError, describeNotice, forwardProxyBanner, type ForwardProxy, prepareMitm, startForwardProxy } from '../proxy/forward/index.js';
import type { Relay } from '../proxy/relay.js';
import { proxyUpgrade } from '../proxy/upgrade.js';
import type { ProxySettings } from './commands/proxy.js';
import { ExitCode } from './exit-codes.js';
import { jsonlPrinterOptions } from './jsonl-output.js';
import { relayOptions, type SessionFilter, untilStopped, upstreamTls, writeJsonl } from './proxy-mode.js';
import { ProxyView } from './proxy-view.js';
import { colorWanted, palette } from './terminal/colors.js';
import { Printer } from './terminal/printer.js';

export async function runForwardProxy(settings: ProxySettings, session: SessionFilter): Promise<ExitCode> {
  const { output } = settings;
  const interactive = Boolean(process.stdout.isTTY);
  const colors = palette(colorWanted(output.color, interactive));
  const printer = new Printer({ colors, interactive, timestamps: output.timestamps, ...(output.jsonl && jsonlPrinterOptions()) });
  let mitm: ReturnType<typeof prepareMitm> | undefined;
  try {
    mitm = settings.mitm ? prepareMitm(settings.caDir) : undefined;
  } catch (error) {
    if (!(error instanceof CaFileError)) throw error;
    printer.error(error.message);
    return ExitCode.BadFile;
  }
  const links = output.jsonl ? writeJsonl(session) : undefined;
  const view = new ProxyView(printer, output, settings.match);
  const open = new Set<Relay>();
  // Read once: the relayed WebSockets and the plain HTTP requests both go upstream with it.
  const upstream = upstreamTls(settings);
  const options = relayOptions(settings, upstream, printer, view, links, open);
  let proxy: ForwardProxy;
  try {
    proxy = await startForwardProxy({
      port: settings.port,
      ...(settings.host !== undefined && { host: settings.host }),
      mitm: mitm?.certificates,
      upstreamTls: upstream,
      relay: (request, socket, head, target) => proxyUpgrade(request, socket, head, target, options),
      onNotice: (notice) => printer.status(describeNotice(notice)),
    });
  } catch (error) {
    printer.error(`cannot listen on port ${settings.port}: ${(error as Error).message}`);
    return ExitCode.ListenFailed;
  }
  for (const line of forwardProxyBanner(proxy.address(), mitm !== undefined)) printer.status(line);
  for (const line of mitm?.instructions ?? []) printer.status(line);
  await untilStopped(open, printer);
  await proxy.close();
  return ExitCode.Normal;
}
