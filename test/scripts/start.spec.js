'use strict';
// `npm start` leaves the repository as it found it: Node-RED runs in its user dir (.node-red/,
// ignored), so what the example flows write (the call-record CSV files) lands there.
const assert = require('assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { startDemo } = require('../../scripts/start');
const { waitFor } = require('../support/wait');

const root = path.join(__dirname, '..', '..');
const porcelain = () => execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' });

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe('npm start', function () {
  this.timeout(90000);

  it('writes the demo output into its user dir and leaves git status as it was', async function () {
    if (!fs.existsSync(path.join(root, '.git'))) this.skip();
    const before = porcelain();
    const userDir = path.join(root, '.node-red');
    const csv = () => fs.readdirSync(userDir).filter((f) => /^call-records-.*\.csv$/.test(f));
    if (fs.existsSync(userDir)) for (const f of csv()) fs.unlinkSync(path.join(userDir, f));
    const demo = await startDemo({ port: await freePort(), mqttPort: 0, stdio: 'ignore' });
    try {
      await waitFor(() => csv().length > 0, 60000, 'a call-record CSV in the user dir');
      assert.deepStrictEqual(
        fs.readdirSync(root).filter((f) => f.endsWith('.csv')),
        [],
      );
    } finally {
      await demo.stop();
    }
    assert.strictEqual(porcelain(), before);
  });
});
