import assert from 'node:assert/strict';
import { once } from 'node:events';
import { statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { WebSocket } from '../../../src/index.js';
import { CA_CERT_FILE, CA_KEY_FILE, CaFileError, defaultCaDir, loadOrCreateCa } from '../../../src/proxy/forward/certificate-authority.js';
import { type ForwardProxy, startForwardProxy } from '../../../src/proxy/forward/forward-proxy.js';
import { HostCertificates } from '../../../src/proxy/forward/host-certificates.js';
import type { ForwardNotice } from '../../../src/proxy/forward/notices.js';
import { proxyUpgrade } from '../../../src/proxy/upgrade.js';
import { eventually, tempDir } from '../../cli/helpers.js';
import { echoServer, messages, selfSigned } from '../../node/helpers.js';

function tunnel(proxyPort: number, authority: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: authority });
    req.on('connect', (res, socket: Socket) => (res.statusCode === 200 ? resolve(socket) : reject(new Error(`CONNECT ${res.statusCode}`))));
    req.on('error', reject);
    req.end();
  });
}

/** The certificate the proxy shows a client that trusts `ca`, asking for `host` (SNI unless an IP). */
async function certificateShown(proxyPort: number, host: string, port: number, ca: string): Promise<PeerCertificate> {
  const socket = await tunnel(proxyPort, `${host}:${port}`);
  const secure = tlsConnect({ socket, ca, host, ...(/^[\d.]+$/.test(host) ? {} : { servername: host }) });
  await once(secure, 'secureConnect');
  const cert = secure.getPeerCertificate();
  // end(), not destroy(): unread session tickets would make it a reset, and the proxy would see a handshake cut short.
  secure.end();
  await once(secure, 'close');
  return cert;
}

describe('the MITM certificate authority', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('is made on first use, its key readable by the user only, and the same one loaded after', () => {
    const caDir = join(dir.path, 'nested', 'ca');
    const made = loadOrCreateCa(caDir);
    assert.equal(made.created, true);
    assert.equal(made.certPath, join(caDir, CA_CERT_FILE));
    assert.equal(statSync(join(caDir, CA_KEY_FILE)).mode & 0o777, 0o600);
    assert.equal(statSync(caDir).mode & 0o777, 0o700);
    const loaded = loadOrCreateCa(caDir);
    assert.equal(loaded.created, false);
    assert.equal(loaded.certPem, made.certPem);
    assert.equal(loaded.spkiSha256, made.spkiSha256);
    assert.match(made.spkiSha256, /^[A-Za-z0-9+/]{43}=$/);
  });

  it('lives in $XDG_CONFIG_HOME/wscope/ca, or ~/.config/wscope/ca without it', () => {
    assert.equal(defaultCaDir({ XDG_CONFIG_HOME: '/somewhere/config' }), '/somewhere/config/wscope/ca');
    assert.equal(defaultCaDir({}), join(homedir(), '.config', 'wscope', 'ca'));
  });

  it('refuses a directory whose files are not a CA with its key, with a clear error', () => {
    const caDir = join(dir.path, 'broken');
    loadOrCreateCa(caDir);
    writeFileSync(join(caDir, CA_KEY_FILE), loadOrCreateCa(join(dir.path, 'other')).keyPem);
    assert.throws(
      () => loadOrCreateCa(caDir),
      (error: Error) => error instanceof CaFileError && /is not the key of wscope-ca\.pem/.test(error.message),
    );
    writeFileSync(join(caDir, CA_CERT_FILE), 'not a certificate');
    assert.throws(() => loadOrCreateCa(caDir), CaFileError);
  });
});

describe('forward proxy --mitm: wss:// intercepted', () => {
  const dir = tempDir();
  let proxy: ForwardProxy;
  let proxyPort = 0;
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let echoPort = 0;
  let caPem = '';
  const relayed: string[] = [];
  const notices: ForwardNotice[] = [];

  before(async () => {
    const origin = selfSigned(dir.path, 'origin', 'DNS:localhost,IP:127.0.0.1');
    echo = await echoServer({ tls: origin });
    echoPort = echo.server.address().port;
    const ca = loadOrCreateCa(join(dir.path, 'ca'));
    caPem = ca.certPem;
    proxy = await startForwardProxy({
      port: 0,
      mitm: new HostCertificates(ca),
      relay: (req, socket, head, target) => proxyUpgrade(req, socket, head, target, { upstream: { ca: origin.cert }, onRelay: (_, url) => relayed.push(url) }),
      onNotice: (notice) => notices.push(notice),
    });
    proxyPort = proxy.address().port;
  });
  after(async () => {
    await proxy.close();
    await echo.server.close();
    dir.remove();
  });

  it('shows a client that trusts the CA a certificate for the host it asked for, signed by the CA', async () => {
    const byName = await certificateShown(proxyPort, 'localhost', echoPort, caPem);
    assert.equal(byName.subject.CN, 'localhost');
    assert.equal(byName.subjectaltname, 'DNS:localhost');
    assert.match(String(byName.issuer.CN), /^wscope local MITM CA/);
    const byAddress = await certificateShown(proxyPort, '127.0.0.1', echoPort, caPem);
    assert.equal(byAddress.subjectaltname, 'IP Address:127.0.0.1');
    assert.notEqual(byAddress.serialNumber, byName.serialNumber);
    assert.equal((await certificateShown(proxyPort, 'localhost', echoPort, caPem)).serialNumber, byName.serialNumber, 'made once per host');
  });

  it('relays the decrypted WebSocket to the origin over TLS of its own, frames intact', async () => {
    const socket = new WebSocket(`wss://localhost:${echoPort}/secure?x=1`, { proxy: `http://127.0.0.1:${proxyPort}`, ca: caPem });
    await once(socket, 'open');
    const replies = messages(socket, 2);
    socket.send('in clear ✓');
    socket.send(Buffer.from([1, 2, 3, 0xfe]));
    assert.deepEqual(await replies, [
      [Buffer.from('in clear ✓'), false],
      [Buffer.from([1, 2, 3, 0xfe]), true],
    ]);
    socket.close(1000, 'bye');
    const [code, reason] = (await once(socket, 'close')) as [number, string];
    assert.deepEqual([code, reason], [1000, 'bye']);
    assert.deepEqual(relayed, [`wss://localhost:${echoPort}/secure?x=1`]);
    assert.ok(notices.some((n) => n.kind === 'intercept' && n.host === 'localhost' && n.port === echoPort));
    assert.ok(!notices.some((n) => n.kind === 'tls-failed'), 'a trusted handshake is no failure');
  });

  it('is refused by a client that does not trust the CA, and says so', async () => {
    const socket = new WebSocket(`wss://localhost:${echoPort}/`, { proxy: `http://127.0.0.1:${proxyPort}` });
    const [error] = (await once(socket, 'error')) as [{ message: string }];
    assert.match(error.message, /self[- ]signed|unable to (get|verify)/i);
    await eventually(() => notices.find((n) => n.kind === 'tls-failed'), 'the tls-failed notice');
  });
});
