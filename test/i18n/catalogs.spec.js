'use strict';
// Issue 17: the editor in every language the package ships, the Node-RED way. For every node
// folder (nodes/, dashboard/nodes/) and every editor .html in it:
// - catalogs: `locales/<lang>/<base>.json` for en-US, de and ru with exactly the keys of en-US,
//   each a string, with the same __placeholders__; every other catalog file too;
// - help: `locales/<lang>/<type>.html` for every registered type in all three languages, as
//   `<script type="text/html" data-help-name="<type>">`, and none left in the editor .html;
// - no English in the editor .html outside the catalogs: no text or placeholder/title in the
//   templates but through data-i18n, no prose string and no literal label in the JavaScript,
//   paletteLabel a function; every key the .html names exists in its en-US catalog.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { LANGUAGES, NODE_DIRS, catalog, editorFiles, flatten, scripts } = require('../support/editor-files');

const placeholders = (text) => [...String(text).matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();
const files = editorFiles();

/** jQuery event lists ('input change') are no prose. */
const DOM_EVENTS = new Set([
  'input',
  'change',
  'click',
  'keyup',
  'keydown',
  'focus',
  'blur',
  'mouseenter',
  'mouseleave',
]);

/** String literals of a JavaScript text without its comments: `[{text, before}]`. */
function literals(js) {
  const out = [];
  const re = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|'((?:\\.|[^'\\\n])*)'|"((?:\\.|[^"\\\n])*)"|`((?:\\.|[^`\\])*)`/g;
  let m;
  while ((m = re.exec(js))) {
    const text = m[1] ?? m[2] ?? m[3];
    if (text === undefined) continue;
    const lineStart = js.lastIndexOf('\n', m.index) + 1;
    const end = m.index + m[0].length;
    out.push({
      text,
      line: js.slice(lineStart, m.index),
      before: js.slice(Math.max(0, m.index - 8), m.index),
      after: js.slice(end, end + 2),
    });
  }
  return out;
}

/** Two words of letters: a sentence, not an identifier, selector, class list or event list. */
function isProse(text) {
  const words = text
    .split(/\s+/)
    .map((w) => w.replace(/^[(]|[,.:;!?)]$/g, ''))
    .filter((w) => /^[A-Za-z]{2,}$/.test(w) && !DOM_EVENTS.has(w));
  return words.length >= 2;
}

/** A plain word shown as text: what a label function returns last, or given to .text()/.html(). */
function isShownWord(lit) {
  if (!/^[A-Za-z][A-Za-z ]+$/.test(lit.text)) return false;
  return (
    /\.(text|html)\(\s*$/.test(lit.before) ||
    (/^\s*return\b/.test(lit.line) && /^\s*[;}]?$/.test(lit.after.trim() || ';'))
  );
}

describe('i18n: catalogs, help and editor texts of every node', () => {
  it('finds the editor files of every node folder', () => {
    assert.ok(files.length >= 14, `${files.length} editor files in ${NODE_DIRS.join(', ')}`);
  });

  for (const dir of NODE_DIRS) {
    const locales = path.join(dir, 'locales');
    it(`${path.basename(path.dirname(dir))}/${path.basename(dir)}: every en-US catalog in de and ru with the same keys and placeholders`, () => {
      const names = fs.readdirSync(path.join(locales, 'en-US')).filter((f) => f.endsWith('.json'));
      for (const lang of LANGUAGES) {
        const have = fs.readdirSync(path.join(locales, lang)).filter((f) => f.endsWith('.json'));
        assert.deepStrictEqual(have.sort(), names.sort(), `${lang}: the catalog files of en-US`);
      }
      for (const name of names) {
        const base = name.slice(0, -5);
        const en = catalog(dir, 'en-US', base);
        for (const lang of LANGUAGES.slice(1)) {
          const other = catalog(dir, lang, base);
          assert.deepStrictEqual(
            Object.keys(other).sort(),
            Object.keys(en).sort(),
            `${lang}/${name}: the keys of en-US`,
          );
          for (const [key, text] of Object.entries(en)) {
            assert.strictEqual(typeof other[key], 'string', `${lang}/${name} ${key}: a string`);
            assert.deepStrictEqual(
              placeholders(other[key]),
              placeholders(text),
              `${lang}/${name} ${key}: placeholders`,
            );
            if (text) assert.ok(other[key], `${lang}/${name} ${key}: translated`);
          }
        }
      }
    });
  }

  for (const f of files) {
    describe(f.file, () => {
      it('has an en-US catalog named after the file, and help in every language for each type', () => {
        assert.ok(catalog(f.dir, 'en-US', f.base), `${f.base}.json in en-US`);
        assert.ok(Object.keys(f.defs).length > 0, 'registers a type');
        for (const type of Object.keys(f.defs)) {
          for (const lang of LANGUAGES) {
            const file = path.join(f.dir, 'locales', lang, `${type}.html`);
            assert.ok(fs.existsSync(file), `${lang}/${type}.html`);
            const help = fs.readFileSync(file, 'utf8');
            assert.match(
              help,
              new RegExp(`<script type="text/html" data-help-name="${type}">`),
              `${lang}/${type}.html`,
            );
            assert.ok(help.replace(/<[^>]+>/g, '').trim().length > 100, `${lang}/${type}.html has text`);
          }
        }
        assert.ok(!/data-help-name|text\/markdown/.test(f.html), 'no help left in the editor .html');
      });

      it('shows no text but through the catalogs', () => {
        const en = catalog(f.dir, 'en-US', f.base) ?? {};
        const problems = [];
        for (const s of scripts(f.html)) {
          if (/data-template-name/.test(s.attrs)) {
            const body = s.body.replace(/<style[\s\S]*?<\/style>/g, '');
            const text = body.replace(/<[^>]*>/g, ' ');
            for (const word of text.match(/[^\s]*[A-Za-z][^\s]*/g) ?? []) problems.push(`template text "${word}"`);
            for (const m of body.matchAll(/\b(placeholder|title)="([^"]*)"/g))
              if (/[A-Za-z]/.test(m[2])) problems.push(`${m[1]}="${m[2]}"`);
            for (const m of body.matchAll(/data-i18n="([^"]+)"/g)) {
              for (const part of m[1].split(';')) {
                const key = part.replace(/^\[[^\]]+\]/, '');
                if (!key.includes(':') && !(key in en))
                  problems.push(`data-i18n key ${key} not in en-US/${f.base}.json`);
              }
            }
          } else if (/text\/javascript/.test(s.attrs)) {
            if (/paletteLabel:\s*['"`]/.test(s.body)) problems.push('paletteLabel is a literal');
            for (const lit of literals(s.body)) {
              if (isProse(lit.text) || isShownWord(lit)) problems.push(`string '${lit.text}'`);
            }
            for (const m of s.body.matchAll(/\b(?:this|node|RED)\._\(\s*'([^']+)'/g)) {
              const key = m[1];
              if (!key.includes(':') && !key.endsWith('.') && !(key in en))
                problems.push(`key ${key} not in en-US/${f.base}.json`);
            }
          }
        }
        assert.deepStrictEqual(problems, [], `${f.file}: English outside the catalogs`);
      });
    });
  }

  it('the runtime texts the nodes name (status keys, error entries) are in the shared catalog', () => {
    const shared = flatten(require('../../nodes/locales/en-US/pbx-connection.json'));
    const src = path.join(__dirname, '..', '..', 'src', 'nodes');
    const missing = [];
    for (const name of fs.readdirSync(src).filter((f) => f.endsWith('.ts'))) {
      const ts = fs.readFileSync(path.join(src, name), 'utf8');
      for (const m of ts.matchAll(/new NodeError\('\w+', '(\w+)'/g))
        if (!(`pbx-connection.errors.${m[1]}` in shared)) missing.push(`${name}: errors.${m[1]}`);
      for (const m of ts.matchAll(/\$\{SHARED\}([\w.]+)/g))
        if (!m[1].endsWith('.') && !(`pbx-connection.${m[1]}` in shared)) missing.push(`${name}: ${m[1]}`);
      for (const m of ts.matchAll(/return '(PBX_\w+)'/g))
        if (!(`pbx-connection.errors.${m[1]}` in shared)) missing.push(`${name}: errors.${m[1]}`);
    }
    assert.deepStrictEqual(missing, []);
  });
});
