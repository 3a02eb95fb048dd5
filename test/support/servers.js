'use strict';
// What the real-server fixtures (radicale.js, slapd.js) share: a free loopback port, a server
// process of ours (started, stopped, restarted, removed with its directory) and certificate
// files for it.
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { selfSignedCertificate } = require('./tls-proxy');

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

/**
 * `command args` as a server listening on 127.0.0.1:`port` with its data in `dir`: `start()`
 * resolves when it accepts connections, `stop()` ends it and keeps `dir` (a later `start()`
 * brings it back on the same port), `destroy()` ends it and removes `dir`. `log` gathers its
 * stderr, for the message of a test that fails.
 */
function serverProcess(command, args, port, dir) {
  let child;
  const server = {
    log: '',
    async start() {
      child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr.on('data', (d) => (server.log += d));
      await waitForPort(port, child, () => server.log);
    },
    async stop() {
      await stopProcess(child);
      child = undefined;
    },
    async destroy() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
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

/**
 * A fresh self-signed certificate for 127.0.0.1 as files a server reads: {cert, key} paths in
 * a temp directory, `ca` (the certificate is its own CA) as PEM text, `remove()` to delete them.
 */
function certificateFiles() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-cert-'));
  const pems = selfSignedCertificate();
  const cert = path.join(dir, 'server.crt');
  const key = path.join(dir, 'server.key');
  fs.writeFileSync(cert, pems.cert);
  fs.writeFileSync(key, pems.key, { mode: 0o600 });
  return { cert, key, ca: pems.cert, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

module.exports = { freePort, serverProcess, certificateFiles };
