'use strict';
/* global document, getComputedStyle, window, RED -- page.evaluate callbacks run in the browser */
// The wallboard as a user gets it: both packages from their `npm pack` tarballs and Dashboard 2
// in a fresh Node-RED 4 user dir, a Dashboard page with a presence board and a BLF board on the
// Vodia simulator, opened in Debian's Chromium (playwright-core). Screenshots go to artifacts/;
// UPDATE_SCREENSHOT=1 refreshes docs/wallboard.png.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { root, run, packTarball, userDirWith, startNodeRed } = require('../install/real-node-red');
const { VodiaSim } = require('../../dist/sim/vodia');
const { describeInChromium, launchChromium } = require('../support/chromium');

const ARTIFACTS = path.join(root, 'artifacts');
const DOMAIN = 'wallboard.test';
const ACCOUNTS = [
  { account: '40', name: 'Reception', password: 'secret', registered: true, dnd: false, chatstatus: 'online' },
  { account: '41', name: 'Alice Adams', registered: true, dnd: false, chatstatus: 'online' },
  { account: '42', name: 'Bob Brown', registered: true, dnd: false, chatstatus: 'online' },
  { account: '43', name: 'Carol Clark', registered: true, dnd: true, chatstatus: 'online' },
  { account: '44', name: 'Dave Dunn', registered: false, dnd: false, chatstatus: 'offline' },
  { account: '45', name: 'Erin East', registered: true, dnd: false, chatstatus: 'offline' },
  // Names are text from outside (anyone can send a SIP display name): this one must show as these characters.
  { account: '46', name: '<img src=x onerror=alert(1)>', registered: true, dnd: false, chatstatus: 'online' },
];
const HOSTILE = ACCOUNTS[6].name;
const LAMPS = ['40', '41', '42', '43', '44', '45'];
/** A wall screen's worth: a second PBX with 500 extensions, all on one board. */
const MANY = Array.from({ length: 500 }, (_, i) => String(1000 + i));
const MANY_DOMAIN = 'many.test';

/** Dashboard 2 as the project installed it, packed, so the user dir gets it without the registry. */
async function dashboardTarball(dir) {
  const out = await run(
    'npm',
    ['pack', path.join(root, 'node_modules', '@flowfuse', 'node-red-dashboard'), '--json', '--pack-destination', dir],
    { cwd: dir },
  );
  return path.join(dir, JSON.parse(out)[0].filename);
}

function flow(simUrl, manyUrl) {
  const board = { type: 'ui-pbx-board', z: 'tab', connection: 'pbx-vodia', width: 0, height: 0, label: '' };
  return [
    { id: 'tab', type: 'tab', label: 'Wallboard' },
    { id: 'base', type: 'ui-base', name: 'PBX', path: '/dashboard', includeClientData: true, acceptsClientConfig: [] },
    { id: 'theme', type: 'ui-theme', name: 'Default', colors: { surface: '#ffffff', primary: '#0094ce' } },
    { id: 'page', type: 'ui-page', name: 'Wallboard', ui: 'base', path: '/board', layout: 'grid', theme: 'theme' },
    { id: 'g-presence', type: 'ui-group', name: 'Who is free', page: 'page', width: 12, height: 1, order: 1 },
    { id: 'g-lamps', type: 'ui-group', name: 'Lamps', page: 'page', width: 12, height: 1, order: 2 },
    { id: 'board-presence', ...board, group: 'g-presence', kind: 'presence', keys: '', order: 1, wires: [['clicks']] },
    {
      id: 'board-lamps',
      ...board,
      group: 'g-lamps',
      kind: 'blf',
      keys: LAMPS.join(', '),
      order: 1,
      wires: [['clicks', 'dial']],
    },
    {
      id: 'clicks',
      type: 'function',
      z: 'tab',
      func: "global.set('clicks', (global.get('clicks') || []).concat([{ topic: msg.topic, payload: msg.payload }]));\nreturn null;",
      outputs: 1,
      wires: [[]],
    },
    {
      id: 'dial',
      type: 'pbx-make-call',
      z: 'tab',
      connection: 'pbx-vodia',
      from: '40',
      fromType: 'str',
      to: 'payload.key',
      toType: 'msg',
      wires: [[]],
    },
    // For the editor's autocomplete of the keys of a node on this connection.
    { id: 'presence-in', type: 'pbx-presence-in', z: 'tab', connection: 'pbx-vodia', users: '41', wires: [[]] },
    { id: 'page-many', type: 'ui-page', name: 'Many', ui: 'base', path: '/many', layout: 'grid', theme: 'theme' },
    { id: 'g-many', type: 'ui-group', name: '500 extensions', page: 'page-many', width: 12, height: 1, order: 1 },
    { id: 'board-many', ...board, group: 'g-many', connection: 'pbx-many', kind: 'blf', keys: '', wires: [[]] },
    {
      id: 'pbx-many',
      type: 'pbx-connection',
      vendor: 'vodia',
      url: manyUrl,
      domain: MANY_DOMAIN,
      user: MANY[0],
      credentials: { password: 'secret' },
    },
    {
      id: 'pbx-vodia',
      type: 'pbx-connection',
      vendor: 'vodia',
      url: simUrl,
      domain: DOMAIN,
      user: '40',
      credentials: { password: 'secret' },
    },
  ];
}

describeInChromium('wallboard in a real browser', function () {
  this.timeout(180000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-wallboard-'));
  let sim;
  let many;
  let red;
  let browser;
  let context;
  let page;
  let userDir;
  const tile = (key) => `#nrdb-ui-widget-board-lamps [data-key="${key}"]`;

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    sim = new VodiaSim({ domain: DOMAIN, accounts: ACCOUNTS });
    await sim.start(0);
    many = new VodiaSim({
      domain: MANY_DOMAIN,
      accounts: MANY.map((account, i) => ({
        account,
        name: `Desk ${account}`,
        registered: true,
        ...(i ? {} : { password: 'secret' }),
      })),
    });
    await many.start(0);
    const [main, widget, dashboard] = await Promise.all([
      packTarball(tmp),
      packTarball(tmp, path.join(root, 'dashboard')),
      dashboardTarball(tmp),
    ]);
    assert.ok(widget.files.includes('resources/ui-pbx-board.umd.js'), `widget tarball: ${widget.files}`);
    assert.ok(!main.files.some((f) => f.startsWith('dashboard/')), 'the main tarball holds no dashboard package');
    userDir = await userDirWith(main.tarball, widget.tarball, dashboard);
    red = await startNodeRed({
      nodeBin: process.execPath,
      redJs: require.resolve('node-red/red.js'),
      userDir,
      extraSettings: 'telemetry: { enabled: false }, editorTheme: { tours: false },',
    });
    const deployed = await red.post('/flows', flow(sim.url, many.url));
    assert.strictEqual(deployed.status, 204, deployed.body);
    browser = await launchChromium();
    // Dashboard's service worker would serve a cached page: every test sees what the server sends.
    context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 760 } });
    page = await context.newPage();
  });

  afterEach(async function () {
    if (this.currentTest.state !== 'failed') return;
    if (page)
      await page.screenshot({ path: path.join(ARTIFACTS, `failed-${this.currentTest.title.slice(0, 30)}.png`) });
    if (red) fs.writeFileSync(path.join(ARTIFACTS, 'wallboard-node-red.log'), red.log());
  });

  after(async () => {
    if (browser) await browser.close();
    if (red) await red.stop();
    if (sim) await sim.stop();
    if (many) await many.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('registers ui-pbx-board with its help, catalogs and icon, and edits it in the Node-RED editor', async () => {
    const sets = JSON.parse((await red.get('/nodes')).body).filter(
      (n) => n.module === '@pbxflow/node-red-dashboard-2-pbx',
    );
    assert.deepStrictEqual(
      sets.map((n) => [n.types, n.err]),
      [[['ui-pbx-board'], undefined]],
    );
    const html = (await red.get('/nodes', 'text/html')).body;
    assert.match(html, /data-help-name="ui-pbx-board"/);
    for (const [lng, text] of [
      ['en-US', 'Keys'],
      ['de', 'Schlüssel'],
      ['ru', 'Ключи'],
    ]) {
      const res = await red.get(`/locales/@pbxflow/node-red-dashboard-2-pbx/ui-pbx-board?lng=${lng}`);
      assert.strictEqual(JSON.parse(res.body)['ui-pbx-board'].label.keys, text, lng);
    }
    const icon = await red.get('/icons/@pbxflow/node-red-dashboard-2-pbx/ui-pbx-board.svg', 'image/svg+xml');
    assert.match(icon.body, /<svg/);

    const editor = await context.newPage();
    await editor.goto(`http://127.0.0.1:${red.port}/`);
    await editor.waitForFunction(() => window.RED && RED.nodes && RED.nodes.node('board-lamps'), null, {
      timeout: 30000,
    });
    await editor.evaluate(() => RED.editor.edit(RED.nodes.node('board-lamps')));
    await editor.waitForSelector('#node-input-keys', { state: 'visible' });
    assert.strictEqual(await editor.inputValue('#node-input-keys'), LAMPS.join(', '));
    assert.strictEqual(await editor.inputValue('#node-input-kind'), 'blf');
    await editor.selectOption('#node-input-kind', 'presence');
    assert.match(await editor.getAttribute('#node-input-keys', 'placeholder'), /every user/);
    await editor.screenshot({ path: path.join(ARTIFACTS, 'wallboard-editor.png') });
    await editor.click('#node-dialog-cancel');
    await editor.close();
  });

  it('shows a tile for every key on open, with data-key, data-state and data-stale', async () => {
    await page.goto(`http://127.0.0.1:${red.port}/dashboard/board`);
    await page.waitForFunction(
      (n) => document.querySelectorAll('#nrdb-ui-widget-board-lamps [data-key]').length === n,
      LAMPS.length,
      { timeout: 30000 },
    );
    const lamps = await page.$$eval('#nrdb-ui-widget-board-lamps [data-key]', (els) =>
      els.map((e) => [e.dataset.key, e.dataset.state, e.dataset.stale]),
    );
    assert.deepStrictEqual(
      lamps.map(([key]) => key),
      LAMPS,
      'the configured keys, in order',
    );
    for (const [key, state, stale] of lamps) {
      assert.ok(['idle', 'unknown', 'unregistered'].includes(state), `${key}: ${state}`);
      assert.ok(['true', 'false'].includes(stale), `${key}: data-stale ${stale}`);
    }
    // Presence: every user the store holds, once the PBX has reported them.
    await page.waitForFunction(
      () => document.querySelectorAll('#nrdb-ui-widget-board-presence [data-key]').length === 7,
      null,
      { timeout: 10000 },
    );
    const carol = page.locator('#nrdb-ui-widget-board-presence [data-key="43"]');
    assert.strictEqual(await carol.getAttribute('data-state'), 'dnd');
    assert.match(await carol.textContent(), /Carol Clark/);
    // A lamp takes the name from the presence of the same extension.
    await page.waitForFunction(
      (selector) => /Carol Clark/.test(document.querySelector(selector).textContent),
      tile('43'),
      { timeout: 5000 },
    );
  });

  it('shows names as text, never HTML: on a tile, a ringing lamp and in the editor autocomplete', async () => {
    const dialogs = [];
    const onDialog = (d) => {
      dialogs.push(d.message());
      return d.dismiss();
    };
    page.on('dialog', onDialog);
    const hostile = '#nrdb-ui-widget-board-presence [data-key="46"]';
    await page.waitForSelector(hostile, { timeout: 10000 });
    assert.strictEqual(await page.textContent(`${hostile} .pbx-tile__name`), HOSTILE, 'the name, as its characters');
    assert.strictEqual(await page.textContent(`${hostile} .pbx-tile__key`), '46', 'the key below it');
    // The PBX sends the name of a caller too (`from-name`): the lamp it rings shows it as text.
    const call = sim.startCall({ from: '46', to: '42', fromName: HOSTILE });
    await page.waitForSelector(`${tile('42')}[data-state="ringing"]`, { timeout: 3000 });
    assert.strictEqual(
      await page.textContent(`${tile('42')} .pbx-tile__other`),
      HOSTILE,
      'the caller, as its characters',
    );
    assert.match(await page.textContent(tile('42')), /46/, 'and its number');
    assert.strictEqual(
      await page.$$eval(`${tile('42')} img, ${tile('42')} [onerror]`, (e) => e.length),
      0,
      "no element made of the caller's name",
    );
    sim.endCall(call);
    await page.waitForSelector(`${tile('42')}[data-state="idle"]`, { timeout: 3000 });

    const editor = await context.newPage();
    editor.on('dialog', onDialog);
    await editor.goto(`http://127.0.0.1:${red.port}/`);
    await editor.waitForFunction(() => window.RED && RED.nodes && RED.nodes.node('presence-in'), null, {
      timeout: 30000,
    });
    await editor.evaluate(() => RED.editor.edit(RED.nodes.node('presence-in')));
    await editor.waitForSelector('#node-input-users', { state: 'visible' });
    await editor.fill('#node-input-users', '');
    await editor.type('#node-input-users', '4');
    await editor.waitForSelector('.red-ui-autoComplete-container', { state: 'visible', timeout: 10000 });
    const offered = await editor.$$eval('.red-ui-autoComplete-container li', (els) =>
      els.map((e) => e.textContent.trim()),
    );
    assert.ok(offered.includes('41 - Alice Adams'), `the key with its name: ${offered}`);
    assert.ok(offered.includes(`46 - ${HOSTILE}`), `the hostile name as text: ${offered}`);
    const imgs = await editor.$$eval(
      '.red-ui-autoComplete-container img, .red-ui-autoComplete-container [onerror]',
      (e) => e.length,
    );
    assert.strictEqual(imgs, 0, 'no element made of a name');
    await editor.screenshot({ path: path.join(ARTIFACTS, 'autocomplete-names.png') });
    // Choosing it puts the key, not the label, into the field.
    await editor.click(`.red-ui-autoComplete-container li:has-text("46 - ")`);
    assert.strictEqual(await editor.inputValue('#node-input-users'), '46');
    await editor.click('#node-dialog-cancel');
    await editor.close();

    const made = await page.$$eval(
      '#nrdb-ui-widget-board-presence img, #nrdb-ui-widget-board-lamps img, [onerror]',
      (e) => e.length,
    );
    assert.strictEqual(made, 0, 'no element made of a name on the board');
    assert.deepStrictEqual(dialogs, [], 'no handler ran');
    page.off('dialog', onDialog);
  });

  it('a ringing extension rings within a second, a page opened now sees it, and it returns to idle', async () => {
    await page.waitForSelector(`${tile('42')}[data-state="idle"]`, { timeout: 10000 });
    const call = sim.startCall({ from: '41', to: '42', fromName: 'Alice Adams' });
    await page.waitForSelector(`${tile('42')}[data-state="ringing"]`, { timeout: 1000 });
    const animation = await page.$eval(tile('42'), (e) => getComputedStyle(e).animationName);
    assert.strictEqual(animation, 'pbx-ring', 'a ringing tile moves');
    assert.match(await page.textContent(tile('42')), /41/, 'the other party');

    const second = await context.newPage();
    await second.goto(`http://127.0.0.1:${red.port}/dashboard/board`);
    await second.waitForSelector(`${tile('42')}[data-state="ringing"]`, { timeout: 15000 });
    await second.close();

    // The README's picture: a bit of everything (dnd, offline, ringing, talking, time in state).
    const talking = sim.startCall({ from: '45', to: '+4930123456', state: 'connected' });
    await page.waitForSelector(`${tile('45')}[data-state="busy"]`, { timeout: 3000 });
    await page.waitForTimeout(2200);
    const board = await page.$eval('#nrdb-ui-widget-board-lamps', (e) => e.getBoundingClientRect().bottom);
    const clip = { x: 0, y: 0, width: 1280, height: Math.ceil(board) + 24 };
    await page.screenshot({ path: path.join(ARTIFACTS, 'wallboard.png'), clip });
    if (process.env.UPDATE_SCREENSHOT) await page.screenshot({ path: path.join(root, 'docs', 'wallboard.png'), clip });

    sim.endCall(talking);
    sim.endCall(call);
    await page.waitForSelector(`${tile('42')}[data-state="idle"]`, { timeout: 3000 });
  });

  it('fits a phone: two columns of tiles, nothing wider than the screen', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`http://127.0.0.1:${red.port}/dashboard/board`);
    await phone.waitForSelector(tile('45'), { timeout: 15000 });
    const boxes = await phone.$$eval('#nrdb-ui-widget-board-lamps [data-key]', (els) =>
      els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, width: r.width })),
    );
    assert.ok(new Set(boxes.map((b) => Math.round(b.left))).size >= 2, 'at least two columns');
    assert.ok(
      boxes.every((b) => b.right <= 390 && b.width >= 120),
      JSON.stringify(boxes),
    );
    await phone.screenshot({ path: path.join(ARTIFACTS, 'wallboard-phone.png') });
    await phone.close();
  });

  it('a wall screen of 500 extensions: every tile on open, a ring within a second, a burst of 200 changes at once', async () => {
    const wall = await context.newPage();
    await wall.setViewportSize({ width: 1920, height: 1080 });
    await wall.goto(`http://127.0.0.1:${red.port}/dashboard/many`);
    const wallTile = (key) => `#nrdb-ui-widget-board-many [data-key="${key}"]`;
    await wall.waitForFunction(
      (n) => document.querySelectorAll('#nrdb-ui-widget-board-many [data-key]').length === n,
      MANY.length,
      { timeout: 20000 },
    );
    await wall.waitForSelector(`${wallTile('1499')}[data-state="idle"]`, { timeout: 10000 });
    // Tasks that keep the page from painting (longer than 50 ms), while it rings and its clocks tick.
    await wall.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({
        type: 'longtask',
      });
    });
    many.startCall({ from: '1000', to: '1499' });
    await wall.waitForSelector(`${wallTile('1499')}[data-state="ringing"]`, { timeout: 1000 });
    for (const key of MANY.slice(100, 300)) many.setUser(key, { registered: false });
    await wall.waitForFunction(
      () =>
        [...document.querySelectorAll('#nrdb-ui-widget-board-many [data-key]')].filter(
          (t) => t.dataset.state === 'unregistered',
        ).length === 200,
      null,
      { timeout: 3000 },
    );
    await wall.waitForTimeout(2100);
    const longest = Math.max(0, ...(await wall.evaluate(() => window.longTasks)));
    assert.ok(longest < 500, `the longest task took ${longest} ms`);
    await wall.screenshot({ path: path.join(ARTIFACTS, 'wallboard-500.png') });
    await wall.close();
  });

  it('a click sends {topic: key, payload: {key, ...}} and dials through pbx-make-call', async () => {
    await page.click(tile('41'));
    let clicks;
    for (let i = 0; i < 50 && !clicks; i++) {
      const res = await red.get('/context/global/clicks');
      if (res.status === 200) {
        const body = JSON.parse(res.body);
        const memory = body.memory || body;
        // Before the function node has stored anything, the endpoint answers `(undefined)`.
        if (memory && typeof memory.msg === 'string' && memory.msg.startsWith('[')) clicks = JSON.parse(memory.msg);
      }
      if (!clicks) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(clicks, 'the click reached the flow');
    assert.strictEqual(clicks[0].topic, '41');
    assert.strictEqual(clicks[0].payload.key, '41');
    assert.strictEqual(clicks[0].payload.extension, '41');
    for (let i = 0; i < 50 && sim.count('make-call') === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.strictEqual(sim.count('make-call'), 1, 'pbx-make-call asked the PBX');
  });

  it('shows stale when the connection drops', async () => {
    await sim.stop();
    sim = undefined;
    await page.waitForFunction(
      () => {
        const tiles = [...document.querySelectorAll('#nrdb-ui-widget-board-lamps [data-key]')];
        return tiles.length && tiles.every((t) => t.dataset.stale === 'true');
      },
      null,
      { timeout: 10000 },
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'wallboard-stale.png') });
  });
});
