'use strict';
// Node-RED looks for icons only in an `icons` folder beside the node files, so the build copies
// the sources from icons/ to nodes/icons/.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const from = path.join(root, 'icons');
const to = path.join(root, 'nodes', 'icons');
fs.mkdirSync(to, { recursive: true });
for (const file of fs.readdirSync(from)) {
  if (file.endsWith('.svg') || file.endsWith('.png')) fs.copyFileSync(path.join(from, file), path.join(to, file));
}
