/**
 * `--local-address`: the source addresses connections are spread over. One address gives a client
 * at most ~28 000 ephemeral ports towards one server address and port (Linux's default
 * 32768-60999); twenty loopback addresses give twenty times that.
 */
import { isIP } from 'node:net';

export class LocalAddressError extends Error {
  override name = 'LocalAddressError';
}

/** The most addresses a range may name: far more than any run needs, few enough to hold. */
const MAX_ADDRESSES = 65_536;

/** `127.0.0.1-127.0.0.20`, `127.0.0.1-20`, `10.0.0.1,10.0.0.2`, `::1`: every address, in order. */
export function parseLocalAddresses(text: string): string[] {
  const addresses: string[] = [];
  for (const part of text.split(',').map((item) => item.trim())) {
    if (part === '') throw new LocalAddressError(`'${text}' has an empty address`);
    const dash = part.indexOf('-');
    if (dash === -1) {
      if (isIP(part) === 0) throw new LocalAddressError(`'${part}' is not an IP address`);
      addresses.push(part);
      continue;
    }
    const first = part.slice(0, dash);
    let last = part.slice(dash + 1);
    if (isIP(first) !== 4) throw new LocalAddressError(`'${part}': ranges are of IPv4 addresses (127.0.0.1-127.0.0.20)`);
    // `127.0.0.1-20`: the last number of the first address runs to 20.
    if (/^\d+$/.test(last)) last = `${first.slice(0, first.lastIndexOf('.'))}.${last}`;
    if (isIP(last) !== 4) throw new LocalAddressError(`'${part}': '${last}' is not an IPv4 address`);
    const from = ipv4Number(first);
    const to = ipv4Number(last);
    if (to < from) throw new LocalAddressError(`'${part}' runs backwards`);
    if (addresses.length + (to - from + 1) > MAX_ADDRESSES) throw new LocalAddressError(`'${text}' names more than ${MAX_ADDRESSES} addresses`);
    for (let n = from; n <= to; n++) addresses.push(ipv4Text(n));
  }
  return addresses;
}

function ipv4Number(address: string): number {
  return address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function ipv4Text(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
