/**
 * The certificates --mitm shows clients: one per host name (or IP address) a client asks for,
 * made on first use, signed by the local CA, and kept for the process's life. One key serves
 * every host (as mitmproxy does): RSA key generation is the slow part, and the key never leaves
 * the process.
 */
import { isIP } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import forge from 'node-forge';
import { type CertificateAuthority, newRsaKey, randomSerial } from './certificate-authority.js';

/** Hosts kept at most; the oldest is made again when needed. */
const CACHE_LIMIT = 1000;

export class HostCertificates {
  private readonly cache = new Map<string, SecureContext>();
  private leafKey: { keyPem: string; publicPem: string } | undefined;
  private readonly caCert: forge.pki.Certificate;
  private readonly caKey: forge.pki.rsa.PrivateKey;

  constructor(readonly ca: CertificateAuthority) {
    this.caCert = forge.pki.certificateFromPem(ca.certPem);
    this.caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  }

  /** The TLS context to answer a client asking for `host` (SNI, or the CONNECT target when none was sent). */
  contextFor(host: string): SecureContext {
    const name = host.toLowerCase();
    let context = this.cache.get(name);
    if (!context) {
      this.leafKey ??= newRsaKey();
      // The CA goes with the leaf so a client that trusts it by its key (Chromium's SPKI list) finds it in the chain.
      context = createSecureContext({ key: this.leafKey.keyPem, cert: `${this.certificatePem(name, this.leafKey.publicPem)}${this.ca.certPem}` });
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(name, context);
    }
    return context;
  }

  /** A server certificate for `host`: RFC 6125 §6.4.4 has clients match subjectAltName, so the name goes there (iPAddress for an IP). */
  certificatePem(host: string, publicPem: string): string {
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
    cert.serialNumber = randomSerial();
    const now = Date.now();
    cert.validity.notBefore = new Date(now - 24 * 3600_000);
    // 397 days: within what browsers accept of any server certificate.
    cert.validity.notAfter = new Date(now + 397 * 24 * 3600_000);
    cert.setSubject([{ name: 'commonName', value: host }]);
    cert.setIssuer(this.caCert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [isIP(host) ? { type: 7, ip: host } : { type: 2, value: host }] },
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: this.caCert.generateSubjectKeyIdentifier().getBytes() },
    ]);
    cert.sign(this.caKey, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  }
}
