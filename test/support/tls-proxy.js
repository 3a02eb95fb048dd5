'use strict';
// A TLS front for any simulator: terminates TLS with a fresh self-signed certificate (made with
// openssl for 127.0.0.1) and pipes the bytes to the simulator's plain port. Lets every vendor be
// tested over wss:// and https:// without TLS code in the simulators.
const { execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const tls = require('tls');

function selfSignedCertificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-cert-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const pems = { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  fs.rmSync(dir, { recursive: true, force: true });
  return pems;
}

async function startTlsProxy(targetPort, pems = selfSignedCertificate()) {
  const sockets = new Set();
  const server = tls.createServer({ key: pems.key, cert: pems.cert }, (front) => {
    const back = net.connect(targetPort, '127.0.0.1');
    for (const s of [front, back]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    front.pipe(back).pipe(front);
    front.on('close', () => back.destroy());
    back.on('close', () => front.destroy());
  });
  server.on('tlsClientError', () => undefined);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    ca: pems.cert,
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

module.exports = { startTlsProxy, selfSignedCertificate };
