'use strict';
// Builds one package of this repository into its `dist/`, the one folder that holds generated
// files: `node scripts/build.js <package dir> [<icons dir>]`.
// - `dist/` is emptied first, so a deleted source file leaves no compiled twin behind;
// - tsc compiles `src/` (the package's tsconfig.json says where: `dist/`);
// - the editor half of the nodes (`nodes/`: `.html`, `locales/`, icons) is source, and Node-RED
//   wants it beside the compiled node files: it is copied to `dist/nodes/`, the icons into
//   `dist/nodes/icons/` (the only place Node-RED looks for a module's icons).
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [pkg, icons] = process.argv.slice(2).map((p) => path.resolve(p));
const dist = path.join(pkg, 'dist');

function copyTree(src, dest) {
  fs.mkdirSync(dest, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, e.name);
    if (e.isDirectory()) copyTree(s, path.join(dest, e.name));
    else fs.copyFileSync(s, path.join(dest, e.name));
  }
}

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(pkg, 'tsconfig.json')], {
  stdio: 'inherit',
});
copyTree(path.join(pkg, 'nodes'), path.join(dist, 'nodes'));
if (icons) copyTree(icons, path.join(dist, 'nodes', 'icons'));
