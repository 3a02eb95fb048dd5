'use strict';
// The editor side of every node of the package, as the i18n and example checks see it: each node
// folder (`nodes/`, and `dashboard/nodes/` where it exists), its editor .html files, the types they
// register with their definitions (run in a sandbox with a stub RED), and its locale catalogs.
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const root = path.join(__dirname, '..', '..');
const NODE_DIRS = ['nodes', path.join('dashboard', 'nodes')]
  .map((d) => path.join(root, d))
  .filter((d) => fs.existsSync(d));
const LANGUAGES = ['en-US', 'de', 'ru'];

/** The <script> blocks of an html text: `{attrs, body}`. */
function scripts(html) {
  const out = [];
  const re = /<script\b([^>]*)>([\s\S]*?)<\/script>/g;
  let m;
  while ((m = re.exec(html))) out.push({ attrs: m[1], body: m[2] });
  return out;
}

/**
 * Runs the editor JavaScript of one .html with a stub RED and returns the definitions it
 * registers, by type. Only what registerType's object literal needs exists in the sandbox.
 */
function definitions(html) {
  const defs = {};
  const stub = () => () => true;
  const RED = {
    nodes: { registerType: (type, def) => (defs[type] = def) },
    validators: { number: stub, regex: stub, typedInput: stub },
    _: (k) => k,
  };
  const $ = () => ({});
  // pbx-connection.html asks the runtime for the vendors as it loads; here nothing answers.
  $.getJSON = () => ({ then: () => undefined });
  const sandbox = { RED, window: {}, $, console };
  for (const s of scripts(html).filter((x) => /text\/javascript/.test(x.attrs))) vm.runInNewContext(s.body, sandbox);
  return defs;
}

/** Every editor .html of every node folder: `{dir, file, base, html, defs}`. */
function editorFiles() {
  const files = [];
  for (const dir of NODE_DIRS) {
    for (const name of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.html'))
      .sort()) {
      const html = fs.readFileSync(path.join(dir, name), 'utf8');
      if (!/RED\.nodes\.registerType\(/.test(html)) continue;
      files.push({
        dir,
        file: path.relative(root, path.join(dir, name)),
        base: name.slice(0, -5),
        html,
        defs: definitions(html),
      });
    }
  }
  return files;
}

/** Flattens a catalog to `{"a.b.c": "text"}`. */
function flatten(obj, prefix = '') {
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object') Object.assign(out, flatten(v, `${prefix}${k}.`));
    else out[prefix + k] = v;
  }
  return out;
}

/** The catalog `<dir>/locales/<lang>/<base>.json`, flattened (undefined when missing). */
function catalog(dir, lang, base) {
  const file = path.join(dir, 'locales', lang, `${base}.json`);
  return fs.existsSync(file) ? flatten(JSON.parse(fs.readFileSync(file, 'utf8'))) : undefined;
}

module.exports = { root, NODE_DIRS, LANGUAGES, scripts, editorFiles, flatten, catalog };
