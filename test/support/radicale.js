'use strict';
// A private, real CardDAV server (Debian's Radicale) for the phone book tests: 127.0.0.1 on a free
// port, its own temp storage and htpasswd (plain) file, optionally HTTPS with a certificate the
// test made. Never the system instance: `--config` with no file ignores /etc/radicale/config.
const fs = require('fs');
const http = require('http');
const https = require('https');
const os = require('os');
const path = require('path');
const { freePort, serverProcess } = require('./servers');

/**
 * Starts Radicale with `users` ({name: password}); `tls` = {cert, key} (PEM file paths) for HTTPS;
 * `options`: more command line options.
 * Resolves when it accepts connections. `stop()` ends the process and keeps the data (`start()`
 * brings it back on the same port); `destroy()` ends it and removes its directory.
 */
async function startRadicale({ users = { alice: 'secret' }, tls, options = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-radicale-'));
  const htpasswd = path.join(dir, 'users');
  fs.writeFileSync(
    htpasswd,
    Object.entries(users)
      .map(([u, p]) => `${u}:${p}\n`)
      .join(''),
  );
  const port = await freePort();
  const scheme = tls ? 'https' : 'http';
  const args = [
    '--config',
    '--server-hosts',
    `127.0.0.1:${port}`,
    '--storage-filesystem-folder',
    path.join(dir, 'data'),
    '--auth-type',
    'htpasswd',
    '--auth-htpasswd-filename',
    htpasswd,
    '--auth-htpasswd-encryption',
    'plain',
    // A wrong password is answered at once: the default one-second delay only slows the tests.
    '--auth-delay',
    '0',
    '--web-type',
    'none',
    '--logging-level',
    'warning',
    ...(tls ? ['--ssl', 'True', '--certificate', tls.cert, '--key', tls.key] : []),
    ...options,
  ];
  const server = Object.assign(serverProcess('radicale', args, port, dir), {
    port,
    dir,
    url: `${scheme}://127.0.0.1:${port}`,
    /** A DAV request as `user` (the CA of `tls` trusted); resolves {status, body}. */
    request(method, urlPath, { user = 'alice', body = '', headers = {}, ca } = {}) {
      const password = users[user];
      const lib = tls ? https : http;
      return new Promise((resolve, reject) => {
        const req = lib.request(
          `${server.url}${urlPath}`,
          {
            method,
            ca,
            headers: { Authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64'), ...headers },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    /** Creates the address book `/<user>/<name>/` (extended MKCOL, RFC 5689). */
    async addressBook(user, name, options = {}) {
      const body =
        '<?xml version="1.0" encoding="utf-8"?><d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">' +
        '<d:set><d:prop><d:resourcetype><d:collection/><c:addressbook/></d:resourcetype>' +
        `<d:displayname>${name}</d:displayname></d:prop></d:set></d:mkcol>`;
      const res = await server.request('MKCOL', `/${user}/${name}/`, { user, body, ...options });
      if (res.status !== 201) throw new Error(`MKCOL /${user}/${name}/: ${res.status} ${res.body}`);
    },
    /** PUTs one vCard as `/<user>/<book>/<file>`. */
    async putCard(user, book, file, vcard, options = {}) {
      const headers = { 'Content-Type': 'text/vcard; charset=utf-8' };
      const res = await server.request('PUT', `/${user}/${book}/${file}`, { user, body: vcard, headers, ...options });
      if (res.status !== 201 && res.status !== 204) throw new Error(`PUT ${file}: ${res.status} ${res.body}`);
    },
    async deleteCard(user, book, file, options = {}) {
      const res = await server.request('DELETE', `/${user}/${book}/${file}`, { user, ...options });
      if (res.status !== 200 && res.status !== 204) throw new Error(`DELETE ${file}: ${res.status} ${res.body}`);
    },
  });
  await server.start();
  return server;
}

/** A vCard 3.0 with CRLF line ends, as servers and phones write them. */
function vcard({ uid, fn, tels = [], categories = [], version = '3.0' }) {
  const lines = ['BEGIN:VCARD', `VERSION:${version}`, `UID:${uid}`];
  if (fn !== undefined) lines.push(`FN:${fn}`);
  for (const tel of tels) lines.push(`TEL;TYPE=work:${tel}`);
  if (categories.length) lines.push(`CATEGORIES:${categories.join(',')}`);
  lines.push('END:VCARD');
  return lines.join('\r\n') + '\r\n';
}

module.exports = { startRadicale, vcard };
