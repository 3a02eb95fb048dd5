'use strict';
// What the real-server fixtures (radicale.js, slapd.js) share: a free loopback port, waiting
// until a child process listens, stopping it, and a self-signed certificate made with openssl.
const { execFileSync } = require('child_process');
const net = require('net');
const path = require('path');

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves when 127.0.0.1:`port` accepts a connection; rejects when `child` exits first or after `ms`. */
function waitForPort(port, child, log, ms = 15000) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let exited = false;
    child.once('exit', (code) => {
      exited = true;
      reject(new Error(`server exited (${code}) before listening on ${port}: ${log()}`));
    });
    const attempt = () => {
      if (exited) return;
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() - started > ms) reject(new Error(`server not listening on ${port} after ${ms} ms: ${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** SIGTERM, then SIGKILL if it lingers; resolves when the process is gone. */
function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A self-signed certificate for 127.0.0.1 in `dir`: {cert, key} paths; the cert is its own CA. */
function selfSignedCertificate(dir, name = 'server') {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
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
  return { cert, key };
}

module.exports = { freePort, waitForPort, stopProcess, selfSignedCertificate };
