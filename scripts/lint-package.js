'use strict';
// `npm run lint:package`: the Flow Library scorecard checks that can run offline, on this package
// as it is published. Exits non-zero and lists every failure.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const semver = require('semver');

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const failures = [];
const notes = [];
const check = (ok, text) => {
  if (!ok) failures.push(text);
};

// The runtimes the package supports: Node-RED 4 on Node 20, Node-RED 5 on Node 22.
const NODE_RED = ['4.0.0', '4.1.15', '5.0.7'];
const NODE = ['20.0.0', '22.0.0'];
const LANGUAGES = ['en-US', 'de', 'ru'];

check(pkg.license && fs.existsSync(path.join(root, 'LICENSE')), 'license and a LICENSE file');
check(pkg.repository && pkg.repository.url, 'repository');
check(/^@[a-z0-9-]+\/[a-z0-9-]+$/.test(pkg.name), 'a scoped package name');
check((pkg.keywords || []).includes('node-red'), "the 'node-red' keyword");
const red = pkg['node-red'] || {};
for (const v of NODE_RED)
  check(red.version && semver.satisfies(v, red.version), `node-red.version ${red.version} admits Node-RED ${v}`);
for (const v of NODE)
  check(
    pkg.engines && semver.satisfies(v, pkg.engines.node),
    `engines.node ${pkg.engines && pkg.engines.node} admits Node ${v}`,
  );
const deps = Object.keys(pkg.dependencies || {});
check(deps.length <= 6, `at most 6 runtime dependencies (has ${deps.length})`);

const types = Object.keys(red.nodes || {});
const exampleTypes = new Set();
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.json')) for (const n of JSON.parse(fs.readFileSync(p, 'utf8'))) exampleTypes.add(n.type);
  }
};
walk(path.join(root, 'examples'));
for (const type of types) {
  const js = path.join(root, red.nodes[type]);
  const html = js.replace(/\.js$/, '.html');
  check(fs.existsSync(js), `${type}: ${red.nodes[type]} (run the build first)`);
  check(fs.existsSync(html), `${type}: its .html`);
  if (fs.existsSync(html)) {
    const text = fs.readFileSync(html, 'utf8');
    check(
      new RegExp(`RED\\.nodes\\.registerType\\(\\s*'${type}'\\s*,\\s*\\{`).test(text),
      `${type}: registerType with a literal type and an object literal`,
    );

    const icon = /icon:\s*'([^']+)'/.exec(text);
    if (type !== 'pbx-connection')
      check(icon && fs.existsSync(path.join(root, 'icons', icon[1])), `${type}: its icon in icons/`);
  }
  // Catalogs and help per language, as Node-RED's own nodes have them (test/i18n checks their contents).
  for (const lang of LANGUAGES) {
    const locale = path.join(root, 'nodes', 'locales', lang);
    check(fs.existsSync(path.join(locale, `${type}.json`)), `${type}: ${lang} message catalog`);
    const help = path.join(locale, `${type}.html`);
    check(
      fs.existsSync(help) && new RegExp(`data-help-name="${type}"`).test(fs.readFileSync(help, 'utf8')),
      `${type}: ${lang} help`,
    );
  }
  if (type !== 'pbx-connection') check(exampleTypes.has(type), `${type}: used in an example flow`);
}

// The wallboard widget package (dashboard/), published on its own: what Dashboard 2 and the
// Flow Library need of a third-party widget.
const widgetRoot = path.join(root, 'dashboard');
const widget = JSON.parse(fs.readFileSync(path.join(widgetRoot, 'package.json'), 'utf8'));
check(
  /^@[a-z0-9-]+\/node-red-dashboard-2-[a-z0-9-]+$/.test(widget.name),
  `${widget.name}: named node-red-dashboard-2-…`,
);
check(
  widget.license === pkg.license && widget.repository && widget.repository.url,
  `${widget.name}: license, repository`,
);
check((widget.keywords || []).includes('node-red'), `${widget.name}: the 'node-red' keyword`);
check(!pkg.files.some((f) => f.startsWith('dashboard')), 'the main package does not ship the widget package');
const widgetExamples = new Set();
for (const f of fs.readdirSync(path.join(widgetRoot, 'examples')))
  for (const n of JSON.parse(fs.readFileSync(path.join(widgetRoot, 'examples', f), 'utf8'))) widgetExamples.add(n.type);
for (const [type, { output, component }] of Object.entries(widget['node-red-dashboard-2'].widgets)) {
  const js = path.join(widgetRoot, widget['node-red'].nodes[type] || '');
  const html = js.replace(/\.js$/, '.html');
  check(fs.existsSync(js), `${type}: ${js} (run the build first)`);
  check(
    fs.existsSync(path.join(widgetRoot, 'resources', output)),
    `${type}: resources/${output} (run the build first)`,
  );
  check(widget.files.includes('resources/'), `${type}: resources/ in files`);
  check(
    component && fs.existsSync(html) && /icon:\s*'[^']+'/.test(fs.readFileSync(html, 'utf8')),
    `${type}: .html with an icon`,
  );
  for (const lang of ['en-US', 'de', 'ru']) {
    const dir = path.join(widgetRoot, 'nodes', 'locales', lang);
    check(fs.existsSync(path.join(dir, `${type}.json`)), `${type}: ${lang} message catalog`);
    check(fs.existsSync(path.join(dir, `${type}.html`)), `${type}: ${lang} help`);
  }
  check(widgetExamples.has(type), `${type}: used in an example flow`);
}

// Known advisories need the registry's audit endpoint; a registry without one is reported, not passed.
// Only this package's tree: the wallboard workspace (dashboard/) and Dashboard 2 are not part of it.
try {
  const out = execFileSync('npm', ['audit', '--omit=dev', '--workspaces=false', '--json'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const vulns = JSON.parse(out).metadata?.vulnerabilities || {};
  const total = Object.values(vulns).reduce((a, b) => a + b, 0);
  check(total === 0, `npm audit --omit=dev: ${total} vulnerabilities`);
} catch (err) {
  const body = String(err.stdout || '');
  let report;
  try {
    report = JSON.parse(body);
  } catch {
    report = undefined;
  }
  if (report && report.metadata && report.metadata.vulnerabilities) {
    const total = Object.values(report.metadata.vulnerabilities).reduce((a, b) => a + b, 0);
    check(total === 0, `npm audit --omit=dev: ${total} vulnerabilities`);
  } else {
    notes.push(
      `npm audit --omit=dev skipped: the registry has no audit endpoint here (${(report && report.message) || 'no answer'})`,
    );
    // Offline, the one runtime dependency is held to its last advisory fix (ws < 8.17.1: CVE-2024-37890).
    const ws = require(path.join(root, 'node_modules', 'ws', 'package.json')).version;
    check(semver.gte(ws, '8.17.1'), `ws ${ws} has a known advisory (fixed in 8.17.1)`);
  }
}

for (const n of notes) console.log(`note: ${n}`);
if (failures.length) {
  console.error(`lint:package: ${failures.length} failed\n  - ${failures.join('\n  - ')}`);
  process.exit(1);
}
console.log(
  `lint:package: ${types.length} node types, ${exampleTypes.size} types in examples, ${deps.length} runtime dependencies, widget package ${widget.name}: all checks passed`,
);
