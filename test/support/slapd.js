'use strict';
// A private, real LDAP server (Debian's OpenLDAP slapd) for the phone book tests: 127.0.0.1 on a
// free port, a generated slapd.conf, an mdb database under dc=example,dc=org in its own temp
// directory, filled with slapadd before it starts. The system slapd (which the package install
// may have started on 389) is never touched: ours has its own port, config, database and pid file.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { freePort, serverProcess } = require('./servers');

const BASE = 'dc=example,dc=org';
const ADMIN = { dn: `cn=admin,${BASE}`, password: 'admin-pw' };
/** The account the tests bind as: unlike the rootdn it is held to the size limit. */
const READER = { dn: `cn=reader,${BASE}`, password: 'reader-pw' };

/** Debian installs the server tools in /usr/sbin, which a non-root PATH often lacks. */
function sbin(tool) {
  const installed = path.join('/usr/sbin', tool);
  return fs.existsSync(installed) ? installed : tool;
}

/**
 * Starts slapd with `ldif` (entries below dc=example,dc=org; the base entry and the reader are
 * added here). `sizeLimit`: the most entries one search (or one page) may return, so a search
 * larger than that succeeds only paged. `tls` = {cert, key}: ldaps:// instead of ldap://.
 * `stop()` keeps the data (`start()` brings it back on the same port); `destroy()` removes it.
 */
async function startSlapd({ ldif = '', sizeLimit = 500, tls } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-slapd-'));
  const db = path.join(dir, 'db');
  fs.mkdirSync(db);
  const config = path.join(dir, 'slapd.conf');
  const limit = `size.soft=${sizeLimit} size.hard=${sizeLimit} size.prtotal=unlimited`;
  fs.writeFileSync(
    config,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `pidfile ${path.join(dir, 'slapd.pid')}`,
      `argsfile ${path.join(dir, 'slapd.args')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `sizelimit ${limit}`,
      ...(tls ? [`TLSCertificateFile ${tls.cert}`, `TLSCertificateKeyFile ${tls.key}`] : []),
      'database mdb',
      'maxsize 16777216',
      `suffix "${BASE}"`,
      `rootdn "${ADMIN.dn}"`,
      `rootpw ${ADMIN.password}`,
      `directory ${db}`,
      '',
    ].join('\n'),
  );
  const fixtures = path.join(dir, 'fixtures.ldif');
  fs.writeFileSync(
    fixtures,
    [
      `dn: ${BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n`,
      `dn: ${READER.dn}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: reader\nuserPassword: ${READER.password}\n`,
      ldif,
    ].join('\n'),
  );
  execFileSync(sbin('slapadd'), ['-q', '-f', config, '-l', fixtures], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await freePort();
  const url = `${tls ? 'ldaps' : 'ldap'}://127.0.0.1:${port}`;
  // -d 0: stay in the foreground (our child, stopped by pid), log nothing but errors to stderr.
  const args = ['-f', config, '-h', `${url}/`, '-d', '0'];
  const server = Object.assign(serverProcess(sbin('slapd'), args, port, dir), {
    port,
    dir,
    url,
    base: BASE,
    admin: ADMIN,
    reader: READER,
  });
  await server.start();
  return server;
}

/** LDIF of an inetOrgPerson below `ou` (which `ouEntry` makes): attributes as {name: value or [values]}. */
function person(ou, uid, attributes) {
  const lines = [`dn: uid=${uid},ou=${ou},${BASE}`, 'objectClass: inetOrgPerson', `uid: ${uid}`];
  for (const [name, value] of Object.entries({ sn: uid, ...attributes })) {
    // LDIF takes plain ASCII only as text; anything else (Müller) goes base64 (RFC 2849).
    for (const v of [].concat(value)) {
      lines.push(/^[\x20-\x7e]*$/.test(v) ? `${name}: ${v}` : `${name}:: ${Buffer.from(v).toString('base64')}`);
    }
  }
  return lines.join('\n') + '\n';
}

function ouEntry(ou) {
  return `dn: ou=${ou},${BASE}\nobjectClass: organizationalUnit\nou: ${ou}\n`;
}

module.exports = { startSlapd, person, ouEntry };
