'use strict';
// Issue 17.5: an imported example opens exactly as a node dragged from the palette: every node of
// ours in every example flow carries every property its editor definition has in `defaults`.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { editorFiles, root } = require('../support/editor-files');

const defaults = {};
for (const f of editorFiles()) for (const [type, def] of Object.entries(f.defs)) defaults[type] = def.defaults || {};

function exampleFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? exampleFiles(p) : e.name.endsWith('.json') ? [p] : [];
  });
}

describe('example flows carry every property of their nodes', () => {
  const files = ['examples', path.join('dashboard', 'examples')].flatMap((dir) => exampleFiles(path.join(root, dir)));

  it('finds the examples and the node definitions', () => {
    assert.ok(files.length > 0);
    assert.ok(Object.keys(defaults).length >= 14);
  });

  for (const file of files) {
    it(path.relative(root, file), () => {
      const missing = [];
      for (const node of JSON.parse(fs.readFileSync(file, 'utf8'))) {
        const def = defaults[node.type];
        if (!def) continue;
        for (const key of Object.keys(def)) if (!(key in node)) missing.push(`${node.type} ${node.id}: ${key}`);
      }
      assert.deepStrictEqual(missing, []);
    });
  }
});
