'use strict';
// The package as a user gets it: `npm pack`, installed into a fresh Node-RED 4.1 user dir (Node 20)
// and a fresh Node-RED 5 user dir (Node 22 from the `node` npm package), then started for real.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { root, run, packTarball, userDirWith, startNodeRed } = require('./real-node-red');

const pkg = require(path.join(root, 'package.json'));
const MODULE = pkg.name;
const TYPES = Object.keys(pkg['node-red'].nodes);
const ICONS = fs.readdirSync(path.join(root, 'icons')).filter((f) => f.endsWith('.svg'));
const NODE_RED_5 = '5.0.7';
const NODE_22 = '22';

/** Node 22 and Node-RED 5 installed once into a cache dir outside the project. */
async function nodeRed5() {
  const dir = path.join(os.tmpdir(), `pbxflow-node-red-${NODE_RED_5}-node-${NODE_22}`);
  const nodeBin = path.join(dir, 'node_modules', 'node', 'bin', 'node');
  const redJs = path.join(dir, 'node_modules', 'node-red', 'red.js');
  if (!fs.existsSync(nodeBin) || !fs.existsSync(redJs)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'nr5-runtime', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', `node@${NODE_22}`, `node-red@${NODE_RED_5}`], { cwd: dir });
  }
  return { nodeBin, redJs };
}

function checkRuntime(label, runtime) {
  describe(label, function () {
    this.timeout(600000);
    let red;
    let packed;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-pack-'));

    before(async () => {
      packed = await packTarball(tmp);
      const userDir = await userDirWith(packed.tarball);
      red = await startNodeRed({ ...(await runtime()), userDir });
    });
    after(async () => {
      if (red) await red.stop();
    });

    it('registers every node type without a load error or warning', async () => {
      const res = await red.get('/nodes');
      assert.strictEqual(res.status, 200);
      const sets = JSON.parse(res.body).filter((s) => s.module === MODULE);
      const types = sets.flatMap((s) => s.types);
      assert.deepStrictEqual(types.sort(), [...TYPES].sort());
      for (const s of sets) assert.ok(!s.err, `${s.id}: ${s.err}`);
      const warnings = red
        .log()
        .split('\n')
        .filter((l) => /\[(warn|error)\]/.test(l) && /pbx/i.test(l));
      assert.deepStrictEqual(warnings, []);
      const html = await red.get('/nodes', 'text/html');
      for (const t of TYPES)
        assert.match(html.body, new RegExp(`registerType\\(\\s*['"]${t}['"]`), `editor code of ${t}`);
    });

    it('serves every icon', async () => {
      for (const icon of ICONS) {
        const res = await red.get(`/icons/${MODULE}/${icon}`, 'image/svg+xml');
        assert.strictEqual(res.status, 200, icon);
        assert.match(res.body, /<svg/);
      }
    });

    it('serves the message catalogs (en-US, de, ru) the status texts come from, and every help page in each', async () => {
      for (const [lng, text] of [
        ['en-US', 'auth failed'],
        ['de', 'Anmeldung fehlgeschlagen'],
        ['ru', 'ошибка входа'],
      ]) {
        const res = await red.get(`/locales/${MODULE}/pbx-connection?lng=${lng}`);
        assert.strictEqual(res.status, 200);
        assert.strictEqual(JSON.parse(res.body)['pbx-connection'].status.authFailed, text);
        for (const t of TYPES) {
          const catalog = await red.get(`/locales/${MODULE}/${t}?lng=${lng}`);
          assert.ok(JSON.parse(catalog.body)[t], `${lng} catalog of ${t}`);
        }
        // The help comes with the editor code, in the language the browser asks for.
        const html = (await red.get('/nodes', 'text/html', lng)).body;
        for (const t of TYPES) {
          const help = new RegExp(`data-help-name="${t}"[^>]*>([\\s\\S]*?)</script>`).exec(html);
          assert.ok(help, `${lng} help of ${t}`);
          const own = fs.readFileSync(path.join(root, 'nodes', 'locales', lng, `${t}.html`), 'utf8');
          assert.ok(own.includes(help[1].trim().slice(0, 60)), `${lng} help of ${t} is the ${lng} page`);
        }
      }
    });

    it('lists the example flows', async () => {
      const res = await red.get(`/library/examples/flows/${MODULE}/`);
      assert.strictEqual(res.status, 200);
      const listing = JSON.parse(res.body);
      assert.ok(Object.keys(listing).length > 0 || listing.length > 0, res.body);
    });

    it('mirrors a PBX into a real broker through pbx-mqtt and core mqtt out, without the password', async () => {
      const { startBroker } = require('../support/mqtt');
      const { VodiaSim, DEFAULT_ACCOUNTS } = require('../../dist/sim/vodia');
      const secret = 'Mqtt-Inst4ll-S3cret';
      const sim = new VodiaSim({
        domain: 'tenant.test',
        accounts: DEFAULT_ACCOUNTS.map((a) => (a.account === '40' ? { ...a, password: secret } : a)),
      });
      await sim.start(0);
      const broker = await startBroker();
      try {
        const flow = [
          { id: 'f2', type: 'tab', label: 'mqtt install test' },
          {
            id: 'c2',
            type: 'pbx-connection',
            name: 'Install site',
            vendor: 'vodia',
            url: `ws://127.0.0.1:${sim.port}/websocket`,
            domain: 'tenant.test',
            user: '40',
            credentials: { password: secret },
          },
          {
            id: 'b2',
            type: 'mqtt-broker',
            broker: '127.0.0.1',
            port: String(broker.port),
            protocolVersion: '4',
            birthTopic: 'pbx/install_site/bridge',
            birthPayload: 'online',
          },
          // The broker's birth message comes back and republishes everything (mqtt out drops what it gets before).
          {
            id: 'i2',
            type: 'mqtt in',
            z: 'f2',
            topic: 'pbx/install_site/bridge',
            qos: '1',
            datatype: 'utf8',
            broker: 'b2',
            wires: [['m2']],
          },
          {
            id: 'm2',
            type: 'pbx-mqtt',
            z: 'f2',
            connection: 'c2',
            kinds: '',
            keys: '',
            topic: '',
            discovery: true,
            wires: [['o2']],
          },
          { id: 'o2', type: 'mqtt out', z: 'f2', topic: '', qos: '', retain: '', broker: 'b2', wires: [] },
        ];
        assert.strictEqual((await red.post('/flows', flow)).status, 204);
        const online = () => broker.on('pbx/install_site/status').some((m) => m.payload === 'online' && m.retain);
        const deadline = Date.now() + 20000;
        while (!online() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.ok(online(), 'pbx/install_site/status online, retained');
        sim.setUser('41', { dnd: true });
        const dnd = await broker.next('pbx/install_site/presence/41', (m) => JSON.parse(m.payload).status === 'dnd');
        assert.strictEqual(dnd.retain, true);
        // Names the PBX knows, in this runtime too: the presence carries the account's name, and
        // Home Assistant's sensors are named after the person (unique ids as before).
        assert.strictEqual(JSON.parse(dnd.payload).dn, 'Alice');
        const config = (kind) =>
          JSON.parse(broker.on(`homeassistant/sensor/pbx_install_site_${kind}_41/config`).pop().payload);
        assert.strictEqual(config('presence').name, 'Alice');
        assert.strictEqual(config('presence').unique_id, 'pbx_install_site_presence_41');
        assert.strictEqual(config('blf').name, 'Alice line');
        assert.ok(broker.published.every((m) => !m.payload.includes(secret) && !m.topic.includes(secret)));
      } finally {
        await red.post('/flows', []);
        await broker.stop();
        await sim.stop();
      }
    });

    it('pbx-mqtt with its own broker: a broker that comes up after the deploy gets the status and every config', async () => {
      const { startBroker, freePort } = require('../support/mqtt');
      const { VodiaSim } = require('../../dist/sim/vodia');
      const sim = new VodiaSim({ domain: 'tenant.test' });
      await sim.start(0);
      const port = await freePort();
      let broker;
      try {
        const flow = [
          { id: 'f3', type: 'tab', label: 'mqtt broker install test' },
          {
            id: 'c3',
            type: 'pbx-connection',
            name: 'Late broker',
            vendor: 'vodia',
            url: `ws://127.0.0.1:${sim.port}/websocket`,
            domain: 'tenant.test',
            user: '40',
            credentials: { password: 'secret' },
          },
          { id: 'b3', type: 'mqtt-broker', broker: '127.0.0.1', port: String(port), protocolVersion: '4' },
          { id: 'm3', type: 'pbx-mqtt', z: 'f3', connection: 'c3', broker: 'b3', discovery: true, wires: [[]] },
        ];
        assert.strictEqual((await red.post('/flows', flow)).status, 204);
        await new Promise((r) => setTimeout(r, 1000));
        broker = await startBroker({ port });
        const arrived = () =>
          broker.on('pbx/late_broker/status').some((m) => m.payload === 'online' && m.retain) &&
          broker.on('homeassistant/event/pbx_late_broker_calls/config').length > 0 &&
          broker.on('homeassistant/sensor/pbx_late_broker_presence_41/config').length > 0 &&
          broker.on('pbx/late_broker/presence/41').length > 0;
        // The core mqtt-broker retries every 5 s by default.
        const deadline = Date.now() + 20000;
        while (!arrived() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.ok(arrived(), 'status, the Calls config, a sensor config and its entry at the late broker');
      } finally {
        await red.post('/flows', []);
        if (broker) await broker.stop();
        await sim.stop();
      }
    });

    it('answers a number from a phone book file through pbx-directory and pbx-lookup', async () => {
      const csv = path.join(tmp, 'crm.csv');
      fs.writeFileSync(csv, 'name,number,groups\nMüller GmbH,030/1234567,VIP\n');
      const flow = [
        { id: 'f4', type: 'tab', label: 'phone book install test' },
        {
          id: 'd4',
          type: 'pbx-directory',
          country: 'DE',
          areaCode: '30',
          outsidePrefix: '0',
          sources: [{ type: 'file', label: 'crm', path: csv }],
        },
        { id: 'h4', type: 'http in', z: 'f4', url: '/pbx-lookup-install', method: 'get', wires: [['l4']] },
        {
          id: 'l4',
          type: 'pbx-lookup',
          z: 'f4',
          directory: 'd4',
          number: 'req.query.number',
          numberType: 'msg',
          wires: [['r4']],
        },
        { id: 'r4', type: 'http response', z: 'f4', statusCode: '', headers: {}, wires: [] },
      ];
      try {
        assert.strictEqual((await red.post('/flows', flow)).status, 204);
        // The file loads once the flow runs; until then the lookup answers null.
        const ask = () => red.get('/pbx-lookup-install?number=00301234567');
        let res = await ask();
        const deadline = Date.now() + 10000;
        while (!/Müller/.test(res.body) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          res = await ask();
        }
        assert.deepStrictEqual(JSON.parse(res.body), {
          name: 'Müller GmbH',
          number: '+49301234567',
          groups: ['VIP'],
          source: 'crm',
        });
      } finally {
        await red.post('/flows', []);
      }
    });

    it('packs the runtime files and nothing of the sources, tests or simulators', () => {
      for (const t of TYPES) {
        assert.ok(packed.files.includes(`dist/nodes/${t}.js`), `dist/nodes/${t}.js`);
        assert.ok(packed.files.includes(`dist/nodes/${t}.html`), `dist/nodes/${t}.html`);
        assert.ok(packed.files.includes(`dist/nodes/icons/${t}.svg`), `dist/nodes/icons/${t}.svg`);
      }
      for (const f of [
        'dist/nodes/mqtt/topics.js',
        'dist/nodes/mqtt/mirror.js',
        'dist/nodes/mqtt/broker-link.js',
        'dist/nodes/locales/en-US/pbx-mqtt.html',
        'dist/connection/pbx-connection.js',
      ])
        assert.ok(packed.files.includes(f), f);
      // What Node-RED needs and nothing else: the build folder, the examples and npm's own files.
      const stray = packed.files.filter(
        (f) => !/^(dist|examples)\//.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f),
      );
      assert.deepStrictEqual(stray, []);
      assert.deepStrictEqual(
        packed.files.filter((f) => f.startsWith('dist/sim/') || f.endsWith('.ts')),
        [],
      );
    });
  });
}

describe('installed package', () => {
  describe('editor endpoints in Node-RED 4.1 with adminAuth', function () {
    this.timeout(600000);
    let red;
    before(async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-pack-'));
      const userDir = await userDirWith((await packTarball(tmp)).tarball);
      const hash = require('bcryptjs').hashSync('not-used-here', 8);
      red = await startNodeRed({
        nodeBin: process.execPath,
        redJs: require.resolve('node-red/red.js'),
        userDir,
        extraSettings: `adminAuth: { type: 'credentials', users: [{ username: 'admin', password: '${hash}', permissions: '*' }] }`,
      });
    });
    after(async () => {
      if (red) await red.stop();
    });

    it('refuse requests without the pbx-connection permissions', async () => {
      assert.strictEqual((await red.get('/pbx-connection/c1/suggestions?field=users')).status, 401);
      assert.strictEqual((await red.post('/pbx-connection/test')).status, 401);
      assert.strictEqual((await red.get('/nodes')).status, 401, 'adminAuth is active');
    });
  });

  describe('a deployed flow in Node-RED 4.1', function () {
    this.timeout(600000);
    const SECRET = 'Inst4ll-S3cret';
    let red;
    let sim;
    let userDir;
    before(async () => {
      const { VodiaSim, DEFAULT_ACCOUNTS } = require('../../dist/sim/vodia');
      const accounts = DEFAULT_ACCOUNTS.map((a) => (a.account === '40' ? { ...a, password: SECRET } : a));
      sim = new VodiaSim({ domain: 'tenant.test', accounts });
      await sim.start(0);
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-pack-'));
      userDir = await userDirWith((await packTarball(tmp)).tarball);
      red = await startNodeRed({ nodeBin: process.execPath, redJs: require.resolve('node-red/red.js'), userDir });
    });
    after(async () => {
      if (red) await red.stop();
      if (sim) await sim.stop();
    });

    it('connects the installed nodes to a PBX and keeps the password out of the flow and the log', async () => {
      const flow = [
        { id: 'f1', type: 'tab', label: 'install test' },
        {
          id: 'c1',
          type: 'pbx-connection',
          vendor: 'vodia',
          url: `ws://127.0.0.1:${sim.port}/websocket`,
          domain: 'tenant.test',
          user: '40',
          credentials: { password: SECRET },
        },
        { id: 'p1', type: 'pbx-presence-in', z: 'f1', connection: 'c1', users: '41', wires: [[]] },
      ];
      const deployed = await red.post('/flows', flow);
      assert.strictEqual(deployed.status, 204, deployed.body);
      const deadline = Date.now() + 20000;
      while (sim.connectionCount !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.strictEqual(sim.connectionCount, 1, 'the installed package logged in');
      const exported = await red.get('/flows');
      assert.match(exported.body, /pbx-connection/);
      assert.ok(!exported.body.includes(SECRET), 'password in the exported flow');
      assert.ok(!fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8').includes(SECRET), 'password in flows.json');
      assert.ok(!red.log().includes(SECRET), 'password in the log');
    });
  });

  checkRuntime('in Node-RED 4.1 on Node 20', async () => ({
    nodeBin: process.execPath,
    redJs: require.resolve('node-red/red.js'),
  }));
  checkRuntime(`in Node-RED ${NODE_RED_5} on Node ${NODE_22}`, nodeRed5);
});
