/**
 * The local certificate authority that --mitm signs its per-host certificates with: made on
 * first use, kept in a directory of its own (the key readable by the user only), reused after.
 * A client that trusts its certificate (wscope-ca.pem) accepts wscope in the middle; one that
 * does not, refuses it, as it should.
 *
 * node-forge builds and signs the X.509 structures; the keys come from node:crypto.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export const CA_CERT_FILE = 'wscope-ca.pem';
export const CA_KEY_FILE = 'wscope-ca-key.pem';

export interface CertificateAuthority {
  readonly dir: string;
  /** The certificate to trust (PEM). */
  readonly certPath: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** base64 of the SHA-256 of its SubjectPublicKeyInfo: what Chromium's --ignore-certificate-errors-spki-list takes. */
  readonly spkiSha256: string;
  /** Made by this call (first use), not loaded. */
  readonly created: boolean;
}

/** A CA directory whose files cannot be used: the CLI says so in one line and exits 12. */
export class CaFileError extends Error {}

/** A positive serial number of 16 random bytes (RFC 5280 §4.1.2.2: positive, at most 20 octets). */
export function randomSerial(): string {
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  return serial.toString('hex');
}

export function newRsaKey(): { keyPem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };
}

function spkiSha256(certPem: string): string {
  const spki = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

function makeCaCertificate(keyPem: string, publicPem: string): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = randomSerial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600_000);
  cert.validity.notAfter = new Date(now + 10 * 365 * 24 * 3600_000);
  const name = [
    { name: 'commonName', value: `wscope local MITM CA (${new Date(now).toISOString().slice(0, 10)})` },
    { name: 'organizationName', value: 'wscope' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function load(dir: string, certPath: string, keyPath: string): CertificateAuthority {
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(certPath, 'utf8');
    keyPem = readFileSync(keyPath, 'utf8');
  } catch (error) {
    throw new CaFileError(`cannot read the MITM CA in ${dir}: ${(error as Error).message}`);
  }
  try {
    const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    const fromCert = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
    if (!fromKey.equals(fromCert)) throw new Error(`${CA_KEY_FILE} is not the key of ${CA_CERT_FILE}`);
    forge.pki.certificateFromPem(certPem);
  } catch (error) {
    throw new CaFileError(`the MITM CA in ${dir} is unusable (${(error as Error).message}); remove the directory to have a new one made`);
  }
  return { dir, certPath, certPem, keyPem, spkiSha256: spkiSha256(certPem), created: false };
}

/** The CA in `dir`, made there first when the directory holds none. */
export function loadOrCreateCa(dir: string): CertificateAuthority {
  const certPath = join(dir, CA_CERT_FILE);
  const keyPath = join(dir, CA_KEY_FILE);
  if (existsSync(certPath) || existsSync(keyPath)) return load(dir, certPath, keyPath);
  const { keyPem, publicPem } = newRsaKey();
  const certPem = makeCaCertificate(keyPem, publicPem);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a CA that another wscope made meanwhile; clients may trust it already.
    writeFileSync(keyPath, keyPem, { mode: 0o600, flag: 'wx' });
    writeFileSync(certPath, certPem, { mode: 0o644, flag: 'wx' });
  } catch (error) {
    throw new CaFileError(`cannot create the MITM CA in ${dir}: ${(error as Error).message}`);
  }
  return { dir, certPath, certPem, keyPem, spkiSha256: spkiSha256(certPem), created: true };
}

/** How to make clients trust the CA, for the person starting the proxy. */
export function trustInstructions(ca: CertificateAuthority): string[] {
  return [
    `MITM CA ${ca.created ? 'created' : 'loaded'}: ${ca.certPath}`,
    `  trust it in Node clients:  NODE_EXTRA_CA_CERTS=${ca.certPath}`,
    `  in Chromium:               --ignore-certificate-errors-spki-list=${ca.spkiSha256}`,
    `  or in NSS (Chromium, Firefox on Linux): certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n wscope -i ${ca.certPath}`,
    `  in curl: --cacert ${ca.certPath}; in Python: ssl.create_default_context(cafile='${ca.certPath}')`,
  ];
}

export { defaultCaDir } from './ca-dir.js';
