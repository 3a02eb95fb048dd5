'use strict';
/* global window, document, getComputedStyle, RED, $ -- page.evaluate callbacks run in the browser */
// Issue 8.7 in a real browser (Debian's Chromium driven by playwright-core): the editor of the
// `npm start` Node-RED, the pbx-connection dialog for every vendor with "Test connection" against
// the simulators, a presence node with autocomplete from the live PBX, deploy, status connected.
// Screenshots go to artifacts/.
const assert = require('assert');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { startDemo } = require('../../scripts/start');
const { simProfiles } = require('../../scripts/sim-profiles');
const { describeInChromium, launchChromium } = require('../support/chromium');

/**
 * Cancels the open edit dialog and waits until its tray is gone. On a loaded machine a click that
 * lands while the tray still slides in can go unheard: one more click, then the dialog must go.
 */
async function cancelDialog(page, prefix, what) {
  const gone = () => page.waitForFunction(() => !document.querySelector('.red-ui-tray'), null, { timeout: 10000 });
  await page.click(`#${prefix}-dialog-cancel`);
  try {
    await gone();
  } catch {
    if (await page.isVisible(`#${prefix}-dialog-cancel`)) await page.click(`#${prefix}-dialog-cancel`);
    await gone().catch(() => assert.fail(`the dialog of ${what} did not close on cancel`));
  }
}

const root = path.join(__dirname, '..', '..');
const ARTIFACTS = path.join(root, 'artifacts');

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The rows each vendor's dialog hides, and shows beyond the fields it is given. */
const ROWS = {
  innovaphone: { hidden: ['apiKey', 'apiVersion', 'authMode', 'adminUser', 'legacyTls'] },
  'innovaphone-devices': { hidden: ['apiKey', 'user'] },
  onlinepbx: { hidden: ['app', 'password'] },
  // The extension's own login by default: the admin fields appear only for the admin login.
  vodia: { hidden: ['app', 'apiKey', 'adminUser', 'adminPassword'], shown: ['authMode', 'legacyTls'] },
};

/** What the dialog gets for each registered vendor: its demo simulator's address and secrets (its profile). */
const VENDORS = simProfiles().map(({ vendor, demo }) => {
  const properties = Object.fromEntries(Object.entries(demo.connection).filter(([name]) => name !== 'vendor'));
  return { vendor, fields: { ...properties, ...demo.credentials }, ...ROWS[vendor] };
});

describeInChromium('editor in a real browser', function () {
  this.timeout(120000);
  let demo;
  let browser;
  let page;
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-editor-'));

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemo({ port: await freePort(), mqttPort: 0, userDir, stdio: 'ignore' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    await page.goto(demo.url);
    await page.waitForFunction(
      () => window.RED && RED.nodes && RED.nodes.getType('pbx-connection') && RED.workspaces.count() > 1,
      null,
      { timeout: 30000 },
    );
  });

  afterEach(async function () {
    if (this.currentTest.state === 'failed' && page)
      await page.screenshot({ path: path.join(ARTIFACTS, `failed-${this.currentTest.title.slice(0, 30)}.png`) });
  });

  after(async () => {
    if (browser) await browser.close();
    if (demo) await demo.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('shows the example flows with every node connected, and the palette with icons', async () => {
    await page.waitForFunction(
      () => {
        const ours = [];
        // eachNode stops at a callback that returns false: a block body returns nothing.
        RED.nodes.eachNode((n) => {
          if (n.type.startsWith('pbx-')) ours.push(n);
        });
        return ours.length > 0 && ours.every((n) => n.status && n.status.fill === 'green');
      },
      null,
      { timeout: 30000 },
    );
    const icons = await page.$$eval('.red-ui-palette-node[data-palette-type^="pbx-"] .red-ui-palette-icon', (els) =>
      els.map((e) => getComputedStyle(e).backgroundImage),
    );
    assert.strictEqual(icons.length, 15, 'fifteen palette entries (the config nodes have none)');
    for (const icon of icons) assert.match(icon, /icons\/@pbxflow\/node-red-pbx\/pbx-.*\.svg/);
    // The README's picture: the innovaphone click-to-dial example.
    await page.evaluate(() => {
      const tab = RED.nodes.workspace(RED.workspaces.active());
      let target;
      RED.nodes.eachWorkspace((w) => {
        if (/Click to dial \(innovaphone\)/.test(w.label)) target = w.id;
      });
      RED.workspaces.show(target || tab.id);
    });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'editor-example.png') });
    // UPDATE_SCREENSHOT=1 npx mocha test/editor refreshes the README's picture.
    if (process.env.UPDATE_SCREENSHOT) await page.screenshot({ path: path.join(root, 'docs', 'editor.png') });
  });

  it('adds a presence node, switches the connection dialog by vendor, tests every vendor, autocompletes and deploys', async () => {
    // A new tab and a presence-in node dropped from the palette.
    await page.evaluate(() => RED.workspaces.add());
    const palette = page.locator('.red-ui-palette-node[data-palette-type="pbx-presence-in"]');
    await palette.scrollIntoViewIfNeeded();
    await palette.dragTo(page.locator('#red-ui-workspace-chart'), { targetPosition: { x: 300, y: 200 } });
    const id = await page.waitForFunction(() => {
      let found;
      RED.nodes.eachNode((n) => {
        if (n.type === 'pbx-presence-in' && n.z === RED.workspaces.active()) found = n.id;
      });
      return found;
    });
    const nodeId = await id.jsonValue();
    await page.evaluate((nid) => RED.editor.edit(RED.nodes.node(nid)), nodeId);
    await page.waitForSelector('#node-input-users', { state: 'visible' });

    // A new connection: the dialog shows the fields of the chosen vendor, and logs in.
    await page.click('#node-input-btn-connection-add');
    await page.waitForSelector('#node-config-input-vendor', { state: 'visible' });
    for (const v of VENDORS) {
      assert.ok(v.hidden, `${v.vendor}: its rows in ROWS`);
      await page.selectOption('#node-config-input-vendor', v.vendor);
      for (const [field, value] of Object.entries(v.fields)) {
        if (field === 'apiVersion') await page.selectOption('#node-config-input-apiVersion', value);
        else await page.fill(`#node-config-input-${field}`, value);
      }
      for (const hidden of v.hidden)
        assert.ok(!(await page.isVisible(`#node-config-input-${hidden}`)), `${v.vendor}: ${hidden} hidden`);
      for (const shown of [...Object.keys(v.fields), ...(v.shown ?? [])])
        assert.ok(await page.isVisible(`#node-config-input-${shown}`), `${v.vendor}: ${shown} shown`);
      await page.click('#node-config-test');
      await page.waitForFunction(
        () => /logged in|failed/.test(document.querySelector('#node-config-test-result').textContent),
        null,
        { timeout: 15000 },
      );
      assert.strictEqual(
        await page.textContent('#node-config-test-result'),
        'logged in',
        `${v.vendor}: test connection`,
      );
      await page.screenshot({ path: path.join(ARTIFACTS, `connection-${v.vendor}.png`) });
    }
    // Vodia's admin login swaps the password for the admin's user and password.
    await page.selectOption('#node-config-input-authMode', 'admin');
    assert.ok(await page.isVisible('#node-config-input-adminUser'));
    assert.ok(await page.isVisible('#node-config-input-adminPassword'));
    assert.ok(!(await page.isVisible('#node-config-input-password')));
    await page.selectOption('#node-config-input-authMode', 'user');
    // A wrong password shows the PBX's answer.
    await page.fill('#node-config-input-password', 'wrong');
    await page.click('#node-config-test');
    await page.waitForFunction(
      () => /failed/.test(document.querySelector('#node-config-test-result').textContent),
      null,
      { timeout: 15000 },
    );
    assert.match(await page.textContent('#node-config-test-result'), /failed: .*password/);
    await page.click('#node-config-dialog-cancel');

    // The deployed innovaphone demo connection offers the users its PBX reports.
    await page.selectOption('#node-input-connection', 'demo-innovaphone');
    await page.fill('#node-input-users', '');
    await page.type('#node-input-users', 'al');
    await page.waitForSelector('.red-ui-autoComplete-container', { state: 'visible', timeout: 10000 });
    const suggestions = await page.$$eval('.red-ui-autoComplete-container li', (els) =>
      els.map((e) => e.textContent.trim()),
    );
    // The key with the name its presence reports (innovaphone PresenceState dn).
    assert.ok(suggestions.includes('alice - Alice Adams'), `suggestions: ${suggestions}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'autocomplete.png') });
    await page.keyboard.press('Escape');
    await page.fill('#node-input-users', 'alice, bob');
    await page.click('#node-dialog-ok');

    // Deploy; the new node turns green.
    await page.click('#red-ui-header-button-deploy');
    await page.waitForFunction(
      (nid) => {
        const n = RED.nodes.node(nid);
        return n && n.status && n.status.fill === 'green';
      },
      nodeId,
      { timeout: 20000 },
    );
    assert.match(await page.evaluate((nid) => RED.nodes.node(nid).status.text, nodeId), /connected/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'deployed.png') });
  });

  it("pbx-state shows the store's current value, offers the states of the kind and sets two outputs with a condition", async () => {
    await page.evaluate(() => RED.workspaces.add());
    const palette = page.locator('.red-ui-palette-node[data-palette-type="pbx-state"]');
    await palette.scrollIntoViewIfNeeded();
    await palette.dragTo(page.locator('#red-ui-workspace-chart'), { targetPosition: { x: 300, y: 200 } });
    const id = await page.waitForFunction(() => {
      let found;
      RED.nodes.eachNode((n) => {
        if (n.type === 'pbx-state' && n.z === RED.workspaces.active()) found = n.id;
      });
      return found;
    });
    const nodeId = await id.jsonValue();
    await page.evaluate((nid) => RED.editor.edit(RED.nodes.node(nid)), nodeId);
    await page.waitForSelector('#node-input-kind', { state: 'visible' });
    const options = () => page.$$eval('#node-input-is option', (els) => els.map((e) => e.value));
    assert.deepStrictEqual(await options(), ['', 'available', 'away', 'busy', 'dnd', 'offline', 'unknown']);
    assert.ok(!(await page.isVisible('#node-input-forSeconds')), 'For (s) only with a condition');

    // The deployed Vodia demo connection knows extension 41's presence.
    await page.selectOption('#node-input-connection', 'demo-vodia');
    await page.fill('#node-input-key', '41');
    await page.waitForFunction(() => / since /.test(document.querySelector('#pbx-state-current').textContent), null, {
      timeout: 10000,
    });
    const shown = await page.getAttribute('#pbx-state-current', 'data-state');
    assert.ok(['available', 'away', 'busy', 'dnd', 'offline'].includes(shown), `current value: ${shown}`);
    await page.fill('#node-input-key', 'nobody-here');
    await page.waitForFunction(() => document.querySelector('#pbx-state-current').dataset.state === 'unknown', null, {
      timeout: 10000,
    });

    await page.selectOption('#node-input-kind', 'blf');
    assert.deepStrictEqual(await options(), ['', 'idle', 'ringing', 'busy', 'held', 'unregistered']);
    await page.selectOption('#node-input-is', 'idle');
    assert.ok(await page.isVisible('#node-input-forSeconds'));
    await page.screenshot({ path: path.join(ARTIFACTS, 'pbx-state.png') });
    await page.click('#node-dialog-ok');
    assert.deepStrictEqual(
      await page.evaluate((nid) => {
        const n = RED.nodes.node(nid);
        return [n.kind, n.is, n.outputs];
      }, nodeId),
      ['blf', 'idle', 2],
    );
  });

  it('opens the dialog of every node of the example flows without an error, no select left blank', async () => {
    const errors = [];
    const onError = (e) => errors.push(String(e));
    const onConsole = (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(m.text());
    page.on('pageerror', onError);
    page.on('console', onConsole);
    const nodes = await page.evaluate(() => {
      const out = [];
      RED.nodes.eachConfig((n) => {
        if (n.type === 'pbx-connection' || n.type === 'pbx-directory') out.push({ id: n.id, config: true });
      });
      RED.nodes.eachNode((n) => {
        if (n.type.startsWith('pbx-')) out.push({ id: n.id, config: false });
      });
      return out;
    });
    assert.ok(nodes.length > 40, `${nodes.length} nodes`);
    const blank = [];
    for (const { id, config } of nodes) {
      const prefix = config ? 'node-config' : 'node';
      await page.evaluate(
        ([nid, isConfig]) => {
          const n = RED.nodes.node(nid);
          if (isConfig) RED.editor.editConfig('', n.type, n.id);
          else RED.editor.edit(n);
        },
        [id, config],
      );
      await page.waitForSelector(`#${prefix}-input-name`, { state: 'visible' });
      blank.push(
        ...(await page.evaluate(
          ([nid, pre]) => {
            const n = RED.nodes.node(nid);
            const defaults = n._def.defaults;
            return Object.keys(defaults)
              .filter((d) => defaults[d].value !== undefined && defaults[d].value !== '' && !defaults[d].type)
              .filter((d) => $(`select#${pre}-input-${d}`).length && $(`#${pre}-input-${d}`).val() === null)
              .map((d) => `${n.type} ${nid}: ${d}`);
          },
          [id, prefix],
        )),
      );
      await cancelDialog(page, prefix, id);
    }
    page.off('pageerror', onError);
    page.off('console', onConsole);
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(blank, []);
  });

  it('pbx-directory: the sources as an ordered list, Test per source, and try a number', async () => {
    await page.evaluate(() => RED.editor.editConfig('', 'pbx-directory', 'demo-phonebook'));
    await page.waitForSelector('#node-config-input-sources-list .pbx-directory-type', { state: 'visible' });
    const rows = await page.$$eval('#node-config-input-sources-list .pbx-directory-type', (els) =>
      els.map((e) => e.value),
    );
    assert.deepStrictEqual(rows, ['file', 'file', 'pbx']);
    // The file row shows its path; the password rows stay hidden without CardDAV or LDAP.
    assert.ok(await page.isVisible('.pbx-directory-field-path >> nth=0'));
    assert.ok(!(await page.isVisible('#node-config-input-carddavPassword')));
    await page.click('#node-config-input-sources-list .red-ui-button >> nth=0');
    await page.waitForFunction(() => /3 contacts/.test($('.pbx-directory-result').first().text()), null, {
      timeout: 10000,
    });
    assert.match(
      await page.textContent('.pbx-directory-result >> nth=0'),
      /Müller GmbH \+49711123456 \[customer, VIP\]/,
    );
    await page.fill('#pbx-directory-try', '0711 123456');
    await page.click('#pbx-directory-try-button');
    await page.waitForFunction(() => /Müller GmbH/.test($('#pbx-directory-try-result').text()), null, {
      timeout: 10000,
    });
    assert.match(
      await page.textContent('#pbx-directory-try-result'),
      /Müller GmbH, \+49711123456 \[customer, VIP\] from family, matched by number/,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'editor-phone-book.png') });
    await cancelDialog(page, 'node-config', 'demo-phonebook');
  });

  it('shows the default of a property a flow lacks (the Vodia Login of an older flow)', async () => {
    await page.evaluate(() => {
      RED.nodes.import([
        {
          id: 'old-vodia',
          type: 'pbx-connection',
          vendor: 'vodia',
          url: 'ws://127.0.0.1:9/websocket',
          domain: 'd',
          user: '40',
        },
        {
          id: 'old-blf',
          type: 'pbx-blf-in',
          z: RED.workspaces.active(),
          connection: 'old-vodia',
          x: 200,
          y: 300,
          wires: [[]],
        },
      ]);
      RED.editor.edit(RED.nodes.node('old-blf'));
    });
    await page.waitForSelector('#node-input-output', { state: 'visible' });
    assert.strictEqual(await page.inputValue('#node-input-output'), 'all');
    await cancelDialog(page, 'node', 'old-blf');
    await page.evaluate(() => RED.editor.editConfig('', 'pbx-connection', 'old-vodia'));
    await page.waitForSelector('#node-config-input-authMode', { state: 'visible' });
    assert.strictEqual(await page.inputValue('#node-config-input-authMode'), 'user');
    assert.ok(await page.isVisible('#node-config-input-password'), 'the extension password of the user login');
    await cancelDialog(page, 'node-config', 'old-vodia');
  });

  it('speaks German and Russian: palette, dialog, status and help (browser language de, then ru)', async () => {
    // A node whose status is one of our catalog keys: a make-call node without a connection.
    const headers = { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2' };
    const current = await (await fetch(`${demo.url}flows`, { headers })).json();
    const tab = current.flows.find((n) => n.type === 'tab').id;
    const flows = [...current.flows, { id: 'i18n-orphan', type: 'pbx-make-call', z: tab, x: 600, y: 600, wires: [[]] }];
    const deployed = await fetch(`${demo.url}flows`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ rev: current.rev, flows }),
    });
    assert.strictEqual(deployed.status, 200);
    const LANGUAGES = {
      de: {
        palette: 'Anwesenheit',
        users: 'Benutzer',
        status: "Eigenschaft 'connection' fehlt: eine pbx-connection wählen",
        help: 'Beobachtet die Anwesenheit',
      },
      ru: {
        palette: 'присутствие',
        users: 'Пользователи',
        status: "не задано свойство 'connection': выберите pbx-connection",
        help: 'Следит за присутствием',
      },
    };
    for (const [locale, want] of Object.entries(LANGUAGES)) {
      const context = await browser.newContext({ locale, viewport: { width: 1400, height: 850 } });
      const p = await context.newPage();
      try {
        await p.goto(demo.url);
        await p.waitForFunction(
          () => window.RED && RED.nodes && RED.nodes.getType('pbx-connection') && RED.nodes.node('i18n-orphan'),
          null,
          { timeout: 30000 },
        );
        const palette = await p.textContent(
          '.red-ui-palette-node[data-palette-type="pbx-presence-in"] .red-ui-palette-label',
        );
        assert.strictEqual(palette.trim(), want.palette, `${locale}: palette`);
        await p.waitForFunction(() => (RED.nodes.node('i18n-orphan').status || {}).text, null, { timeout: 10000 });
        assert.strictEqual(
          await p.evaluate(() => RED.nodes.node('i18n-orphan').status.text),
          want.status,
          `${locale}: status`,
        );
        await p.evaluate(() => {
          let presence;
          RED.nodes.eachNode((n) => {
            if (n.type === 'pbx-presence-in' && !presence) presence = n;
          });
          RED.editor.edit(presence);
        });
        await p.waitForSelector('#node-input-users', { state: 'visible' });
        assert.strictEqual(
          (await p.textContent('label[for="node-input-users"]')).trim(),
          want.users,
          `${locale}: dialog`,
        );
        await p.click('#node-dialog-cancel');
        await p.evaluate(() => RED.sidebar.help.show('pbx-presence-in'));
        await p.waitForFunction((text) => document.body.innerText.includes(text), want.help, { timeout: 10000 });
        await p.screenshot({ path: path.join(ARTIFACTS, `editor-${locale}.png`) });
      } finally {
        await context.close();
      }
    }
  });
});
