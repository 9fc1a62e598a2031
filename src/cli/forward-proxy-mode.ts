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
import { proxyUpgrade, type ProxyOptions } from '../proxy/upgrade.js';
import type { ProxySettings } from './commands/proxy.js';
import { ExitCode } from './exit-codes.js';
import { jsonlPrinterOptions } from './jsonl-output.js';
import { faultOptions, untilStopped, writeJsonl } from './proxy-mode.js';
import { ProxyView } from './proxy-view.js';
import { readFlagFile } from './socket-options.js';
import { colorWanted, palette } from './terminal/colors.js';
import { Printer } from './terminal/printer.js';

export async function runForwardProxy(settings: ProxySettings): Promise<ExitCode> {
  const { output, tls } = settings;
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
  const links = output.jsonl ? writeJsonl() : undefined;
  const view = new ProxyView(printer, output, settings.match);
  const upstream = { rejectUnauthorized: tls.checkCertificates, ...(tls.ca !== undefined && { ca: readFlagFile('--ca', tls.ca) }) };
  const open = new Set<Relay>();
  const faults = faultOptions(settings, printer);
  const relayOptions: ProxyOptions = {
    upstream,
    ...faults.options,
    ...(!settings.compression.compression && { perMessageDeflate: false }),
    ...(settings.compression.maxPayload !== undefined && { maxMessageSize: settings.compression.maxPayload }),
    onRelay: (relay, url) => {
      open.add(relay);
      links?.link(relay);
      faults.viewIds.push(view.opened(relay, url));
      void relay.closed.then(() => open.delete(relay));
    },
    onRefused: (url, refusal, error) => view.refused(url, refusal, error),
  };
  let proxy: ForwardProxy;
  try {
    proxy = await startForwardProxy({
      port: settings.port,
      ...(settings.host !== undefined && { host: settings.host }),
      mitm: mitm?.certificates,
      upstreamTls: upstream,
      relay: (request, socket, head, target) => proxyUpgrade(request, socket, head, target, relayOptions),
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
