'use strict';
// Runs a real Node-RED (any version, any Node binary) in a fresh user dir with our package
// installed from the `npm pack` tarball, and talks to its admin API.
const { spawn, execFile } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..', '..');

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, ...opts }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

/** `npm pack` of the already built package (or of `pkgDir`); returns the tarball path and its files. */
async function packTarball(dir, pkgDir = root) {
  const out = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: pkgDir });
  const [{ filename, files }] = JSON.parse(out);
  return { tarball: path.join(dir, filename), files: files.map((f) => f.path) };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * A user dir with the tarball(s) installed as normal npm dependencies, as the palette manager does.
 * Their dependencies come from the npm cache where it has them (the project's own install filled it).
 */
async function userDirWith(...tarballs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-nr-user-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', '--prefer-offline', ...tarballs], { cwd: dir });
  return dir;
}

/** Starts `redJs` with `nodeBin`; resolves once the HTTP server is up. */
async function startNodeRed({ nodeBin, redJs, userDir, extraSettings = '' }) {
  const port = await freePort();
  fs.writeFileSync(
    path.join(userDir, 'settings.js'),
    `module.exports = { uiHost: '127.0.0.1', uiPort: ${port}, flowFile: 'flows.json', credentialSecret: false,
  logging: { console: { level: 'info', metrics: false, audit: false } }, ${extraSettings} };\n`,
  );
  const child = spawn(nodeBin, [redJs, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start:\n${log}`)), 60000);
    const check = () => {
      // Only the listen callback logs this; "Started flows" may come before the port is open.
      if (/Server now running/.test(log)) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Node-RED exited with ${code}:\n${log}`));
    });
  });
  return {
    port,
    log: () => log,
    get: (p, accept = 'application/json', lang = undefined) => httpGet(port, p, accept, 'GET', undefined, lang),
    post: (p, body) => httpGet(port, p, 'application/json', 'POST', body),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', resolve);
        child.kill('SIGINT');
      }),
  };
}

function httpGet(port, p, accept, method = 'GET', body = undefined, lang = undefined) {
  const headers = {
    accept,
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(lang ? { 'accept-language': lang } : {}),
  };
  return new Promise((resolve, reject) => {
    http
      .request({ host: '127.0.0.1', port, path: p, method, headers }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body }));
      })
      .on('error', reject)
      .end(body === undefined ? undefined : JSON.stringify(body));
  });
}

module.exports = { root, run, packTarball, userDirWith, startNodeRed };
