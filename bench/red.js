'use strict';
// An embedded Node-RED 4 runtime (no editor, no HTTP nodes) with this package and the counting
// sink installed, as a user would run it.
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');

async function startRed() {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-bench-'));
  fs.mkdirSync(path.join(userDir, 'node_modules', '@pbxflow'), { recursive: true });
  fs.symlinkSync(root, path.join(userDir, 'node_modules', '@pbxflow', 'node-red-pbx'), 'dir');
  fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'bench', private: true }));
  const RED = require('node-red');
  const server = http.createServer();
  RED.init(server, {
    userDir,
    flowFile: 'flows.json',
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: false,
    nodesDir: [path.join(__dirname, 'sink')],
    logging: { console: { level: 'warn', metrics: false, audit: false } },
    editorTheme: { projects: { enabled: false } },
  });
  // RED.start() resolves before the (empty) initial flows are loaded; a deploy made before then
  // would lose its credentials to that load.
  const started = new Promise((resolve) => RED.events.once('flows:started', resolve));
  await RED.start();
  await started;
  const sink = global.__benchSink;
  return {
    RED,
    sink,
    async deploy(flows) {
      await RED.runtime.flows.setFlows({ flows: { flows }, deploymentType: 'full' });
    },
    node: (id) => RED.nodes.getNode(id),
    async stop() {
      await RED.stop();
      server.close();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

module.exports = { startRed };
