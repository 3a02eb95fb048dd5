'use strict';
// `npm start`: builds if needed, starts every vendor simulator with demo data and an MQTT broker
// (aedes), and runs a Node-RED (from devDependencies, user dir .node-red/ inside the project) on
// 127.0.0.1 with this package, Dashboard 2 with the wallboard widget (dashboard/), and every
// example flow deployed against them.
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

const root = path.join(__dirname, '..');
const WIDGET_DIR = path.join(root, 'dashboard');
/** Node types that live outside a tab: one each, shared by the examples that name them. */
const CONFIG_TYPES = new Set([
  'pbx-connection',
  'pbx-directory',
  'tls-config',
  'ui-base',
  'ui-theme',
  'ui-page',
  'ui-group',
  'mqtt-broker',
]);

function buildIfNeeded() {
  const newest = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const stale = (built, ...sources) =>
    !fs.existsSync(built) || fs.statSync(built).mtimeMs < Math.max(...sources.map((dir) => newest(dir)));
  if (stale(path.join(root, 'dist', 'nodes', 'pbx-connection.js'), path.join(root, 'src'), path.join(root, 'nodes'))) {
    console.log('Building...');
    execFileSync(process.execPath, [path.join(__dirname, 'build.js'), root, path.join(root, 'icons')], {
      stdio: 'inherit',
    });
  }
  const widget = path.join(WIDGET_DIR, 'resources', 'ui-pbx-board.umd.js');
  const widgetNode = path.join(WIDGET_DIR, 'dist', 'nodes', 'ui-pbx-board.js');
  const widgetSources = ['src', 'ui', 'nodes'].map((dir) => path.join(WIDGET_DIR, dir));
  if (stale(widget, ...widgetSources) || stale(widgetNode, ...widgetSources)) {
    console.log('Building the wallboard widget...');
    execFileSync('npm', ['run', 'build', '--workspace=dashboard'], { cwd: root, stdio: 'inherit' });
  }
}

/**
 * One config node for every example that names it: a field one example sets (the connection's
 * `directory`) stays when another example leaves it empty.
 */
function mergedConfig(seen = {}, node) {
  const merged = { ...seen };
  for (const [k, v] of Object.entries(node)) if (v !== '' || merged[k] === undefined) merged[k] = v;
  return merged;
}

/**
 * Every example flow on a tab of its own; config nodes once; demo credentials per vendor; every
 * `mqtt-broker` pointed at the embedded broker on `mqttPort`.
 */
function exampleFlows(mqttPort) {
  const flows = [];
  const configs = new Map();
  const walk = (dir, folder = path.basename(dir)) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        const tab = `tab-${flows.length}`;
        flows.push({ id: tab, type: 'tab', label: `${folder}: ${e.name.replace(/\.json$/, '')}` });
        for (const n of JSON.parse(fs.readFileSync(p, 'utf8'))) {
          if (n.type === 'mqtt-broker')
            configs.set(n.id, { ...n, z: undefined, broker: '127.0.0.1', port: String(mqttPort) });
          else if (CONFIG_TYPES.has(n.type)) configs.set(n.id, { ...mergedConfig(configs.get(n.id), n), z: undefined });
          else if (n.type !== 'tab')
            flows.push({
              ...n,
              id: `${tab}-${n.id}`,
              z: tab,
              wires: (n.wires || []).map((w) => w.map((id) => `${tab}-${id}`)),
            });
        }
      }
    }
  };
  walk(path.join(root, 'examples'));
  walk(path.join(WIDGET_DIR, 'examples'), 'Dashboard 2');
  const credentials = {};
  for (const c of configs.values()) {
    if (c.type !== 'pbx-connection') continue;
    // Required here, not on top: the compiled registry exists only after buildIfNeeded.
    credentials[c.id] = require('./sim-profiles').simProfile(c.vendor).demo.credentials;
  }
  return { flows: [...flows, ...configs.values()], credentials };
}

/**
 * The packages as links into the project: this one, the wallboard widget and Dashboard 2 (from
 * devDependencies). Dashboard 2 loads a third-party widget only when the user dir's package.json
 * names it among its dependencies.
 */
function linkPackages(userDir) {
  const links = {
    '@pbxflow/node-red-pbx': root,
    '@pbxflow/node-red-dashboard-2-pbx': WIDGET_DIR,
    '@flowfuse/node-red-dashboard': path.dirname(require.resolve('@flowfuse/node-red-dashboard/package.json')),
  };
  for (const [name, target] of Object.entries(links)) {
    const link = path.join(userDir, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.rmSync(link, { force: true, recursive: true });
    fs.symlinkSync(target, link, 'dir');
  }
  const dependencies = Object.fromEntries(Object.keys(links).map((name) => [name, '*']));
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify({ name: 'node-red-pbx-demo', private: true, dependencies }, null, 2),
  );
}

function writeUserDir(userDir, port, flows, credentials) {
  linkPackages(userDir);
  // The demo phone book: the example flows name its files relative to the user dir.
  fs.cpSync(path.join(root, 'examples', 'phone-book'), path.join(userDir, 'phone-book'), { recursive: true });
  fs.writeFileSync(
    path.join(userDir, 'settings.js'),
    `module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${port},
  flowFile: 'flows.json',
  // Demo credentials only (the simulators'): stored unencrypted so the demo starts without a key.
  credentialSecret: false,
  logging: { console: { level: 'info', metrics: false, audit: false } },
  // The examples are the tour: each tab explains itself in its comment node.
  editorTheme: { tours: false },
  // No update check: the demo talks to nothing but the simulators on this machine.
  telemetry: { enabled: false },
  // The CSV examples append to a relative file name: keep those files in this user dir.
  fileWorkingDirectory: __dirname,
};
`,
  );
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows, null, 2));
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(credentials, null, 2));
}

/**
 * The MQTT broker of the examples (aedes, a devDependency): on `port` when it is free, else on
 * any free port. Resolves to `{port, stop()}`.
 */
async function startBroker(port) {
  const { Aedes } = require('aedes');
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  const listen = (p) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(server.address().port);
      });
    });
  const actual = await listen(port).catch((err) => {
    if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
    return listen(0);
  });
  let stopped;
  return {
    port: actual,
    stop: () => (stopped ??= new Promise((resolve) => broker.close(() => server.close(() => resolve())))),
  };
}

/**
 * Starts the simulators, the MQTT broker (on `mqttPort`, or a free port when it is taken) and a
 * Node-RED on `port` with every example deployed; resolves once the editor answers. The browser
 * test uses this with a scratch `userDir`.
 */
async function startDemo({
  port = 1880,
  mqttPort = 1883,
  userDir = path.join(root, '.node-red'),
  stdio = 'inherit',
} = {}) {
  buildIfNeeded();
  const sims = [];
  for (const profile of require('./sim-profiles').simProfiles()) {
    sims.push(await profile.demo.start());
  }
  const mqtt = await startBroker(mqttPort);
  sims.push(mqtt);
  const { flows, credentials } = exampleFlows(mqtt.port);
  writeUserDir(userDir, port, flows, credentials);
  // The user dir is Node-RED's working directory: whatever a flow writes (the CSV examples) stays there.
  const red = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', userDir], {
    stdio,
    cwd: userDir,
  });
  const exited = new Promise((resolve) => red.once('exit', resolve));
  const stopSims = () => Promise.all(sims.map((s) => s.stop()));
  await waitForEditor(port, exited);
  return {
    url: `http://127.0.0.1:${port}/`,
    mqttUrl: `mqtt://127.0.0.1:${mqtt.port}`,
    exited,
    async stop() {
      if (red.exitCode === null) red.kill('SIGINT');
      await exited;
      await stopSims();
    },
    stopSims,
  };
}

function waitForEditor(port, exited) {
  let gone = false;
  exited.then(() => (gone = true));
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (gone) return reject(new Error('Node-RED exited while starting'));
      http
        .get({ host: '127.0.0.1', port, path: '/settings' }, (res) => {
          res.resume();
          if (res.statusCode === 200) resolve();
          else setTimeout(attempt, 200);
        })
        .on('error', () => setTimeout(attempt, 200));
    };
    attempt();
  });
}

async function main() {
  const port = Number(process.env.PORT) || 1880;
  const mqttPort = process.env.MQTT_PORT ? Number(process.env.MQTT_PORT) : 1883;
  const demo = await startDemo({ port, mqttPort, userDir: process.env.PBX_USER_DIR || undefined });
  console.log(
    `\n  Simulators running. Node-RED editor: ${demo.url}\n  Wallboard (Dashboard 2): ${demo.url}dashboard/  (Ctrl+C stops everything)`,
  );
  console.log(
    `  MQTT broker: ${demo.mqttUrl}  (e.g. mosquitto_sub -h 127.0.0.1 -p ${demo.mqttUrl.split(':').pop()} -t 'pbx/#' -v)\n`,
  );
  const stop = async () => {
    await demo.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  demo.exited.then(async (code) => {
    await demo.stopSims();
    process.exit(code ?? 0);
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { startDemo };
