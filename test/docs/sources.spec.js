'use strict';
// Every citation in the code resolves inside the repository: `NODES.md "<section>"` to a heading
// of docs/NODES.md, `seed 00N`, `spec §N` and `[S9]`-style keys to an entry of docs/SOURCES.md
// (the keys and spec sections per vendor, as the code's folder says); and no comment or doc
// points at a file outside the repository.
const assert = require('assert');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..');
const read = (file) => fs.readFileSync(path.join(root, file), 'utf8');

function filesUnder(dir, ext) {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(rel, ext);
    return ext.some((x) => e.name.endsWith(x)) ? [rel] : [];
  });
}

/** The vendor whose keys and spec sections a file's citations mean: from its folder. */
function vendorOf(file) {
  const m = /(?:^|\/)(innovaphone|vodia|onlinepbx)(?:-devices|-rcc)?(?:\/|$)/.exec(
    path.dirname(file).split(path.sep).join('/'),
  );
  return m ? m[1] : undefined;
}

/** The lines of SOURCES.md under the heading that starts with `title`, up to the next heading. */
function section(sources, title) {
  const start = sources.indexOf(`\n## ${title}`);
  assert.ok(start >= 0, `SOURCES.md has a section "${title}"`);
  const end = sources.indexOf('\n## ', start + 1);
  return sources.slice(start, end < 0 ? undefined : end);
}

const KEY_TABLES = { innovaphone: 'innovaphone keys', vodia: 'Vodia keys', onlinepbx: 'onlinePBX keys' };
const SPEC_TABLES = { innovaphone: 'innovaphone protocol notes', onlinepbx: 'onlinePBX protocol notes' };

describe('citations resolve inside the repository', function () {
  const sources = read('docs/SOURCES.md');
  const nodes = read('docs/NODES.md');
  const headings = nodes.split('\n').filter((l) => l.startsWith('#'));
  const code = filesUnder('src', ['.ts']).map((file) => ({ file, text: read(file) }));

  it('finds citations at all (the patterns below still match the code)', function () {
    const all = code.map((c) => c.text).join('\n');
    for (const re of [/seed \d{3}/, /spec §\d/, /\[S\d+/, /NODES\.md "/]) assert.match(all, re);
  });

  it('every `seed 00N` in src/ is a vendor document in SOURCES.md', function () {
    const known = new Set([...section(sources, 'Vendor documents').matchAll(/^\| (seed \d{3}) \|/gm)].map((m) => m[1]));
    for (const { file, text } of code)
      for (const [cite] of text.matchAll(/seed \d{3}/g)) assert.ok(known.has(cite), `${file}: ${cite}`);
  });

  it('every `spec §N` in src/ is a section of its vendor in SOURCES.md', function () {
    for (const { file, text } of code)
      for (const [, range] of text.matchAll(/spec §([\d.]+(?:-[\d.]+)?)/g)) {
        const table = SPEC_TABLES[vendorOf(file)];
        assert.ok(table, `${file}: spec §${range} : SOURCES.md has no protocol notes for this folder's vendor`);
        const rows = section(sources, table);
        for (const n of range.split('-'))
          assert.match(
            rows,
            new RegExp(`^\\| §${n.replace(/\./g, '\\.')} \\|`, 'm'),
            `${file}: spec §${n} in "${table}"`,
          );
      }
  });

  it('every `[S9]`-style key in src/ is a key of its vendor in SOURCES.md', function () {
    for (const { file, text } of code)
      for (const [, key] of text.matchAll(/\[(S\d+[a-z]?)(?=[\]\s-])/g)) {
        const table = KEY_TABLES[vendorOf(file)];
        assert.ok(table, `${file}: [${key}] outside a vendor folder says not whose key`);
        assert.match(
          section(sources, table),
          new RegExp(`^\\| \\[${key}\\] \\|`, 'm'),
          `${file}: [${key}] in "${table}"`,
        );
      }
  });

  it('every `NODES.md "<section>"` in src/ names a heading of docs/NODES.md, every `NODES.md: "<text>"` quotes it', function () {
    const flat = (text) => text.replace(/\s+/g, ' ').toLowerCase();
    for (const { file, text } of code) {
      for (const [, title] of text.matchAll(/NODES\.md "([^"]+)"/g))
        assert.ok(
          headings.some((h) => flat(h).includes(flat(title))),
          `${file}: NODES.md "${title}"`,
        );
      for (const [, quote] of text.matchAll(/NODES\.md: "([^"]+)"/g))
        assert.ok(flat(nodes).includes(flat(quote)), `${file}: NODES.md: "${quote}"`);
    }
  });

  it('nothing points outside the repository', function () {
    const files = [
      'README.md',
      ...filesUnder('docs', ['.md']),
      ...filesUnder('src', ['.ts']),
      ...filesUnder('test', ['.js']),
      ...filesUnder('bench', ['.js']),
      ...filesUnder('scripts', ['.js']),
      ...filesUnder('dashboard/src', ['.ts', '.js', '.vue']),
    ];
    // Built from pieces so this file does not match itself.
    const outside = new RegExp(['\\.\\./', 'shared/'].join('') + '|' + ['/work', '/shared'].join(''));
    for (const file of files) assert.ok(!outside.test(read(file)), `${file} points outside the repository`);
  });
});
