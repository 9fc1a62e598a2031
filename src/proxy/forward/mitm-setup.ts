/** What --mitm needs before the proxy starts: the CA (made on first use) and the words that tell how to trust it. */
import { defaultCaDir, loadOrCreateCa, trustInstructions } from './certificate-authority.js';
import { HostCertificates } from './host-certificates.js';

/** Throws CaFileError when `caDir` (default: defaultCaDir()) holds files that are not a usable CA. */
export function prepareMitm(caDir: string = defaultCaDir()): { certificates: HostCertificates; instructions: string[] } {
  const ca = loadOrCreateCa(caDir);
  return { certificates: new HostCertificates(ca), instructions: trustInstructions(ca) };
}
