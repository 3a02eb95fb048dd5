'use strict';
// The example flows of one vendor folder: reading them, the structural checks every example must
// pass (importable, self-explaining, no secrets), and deploying one into the test runtime.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { helper, NODE_TYPES, nodeModules, catalogs } = require('./red');

const root = path.join(__dirname, '..', '..');
/** The core nodes the examples may use, by type. */
const CORE = {
  inject: 'common/20-inject',
  debug: 'common/21-debug',
  catch: 'common/25-catch',
  comment: 'common/90-comment',
  switch: 'function/10-switch',
  change: 'function/15-change',
  delay: 'function/89-delay',
  function: 'function/10-function',
  csv: 'parsers/70-CSV',
  file: 'storage/10-file',
  'mqtt in': 'network/10-mqtt',
  'mqtt out': 'network/10-mqtt',
  'mqtt-broker': 'network/10-mqtt',
};

function examplesIn(folder) {
  const dir = path.join(root, 'examples', folder);
  const read = (name) => JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  return {
    names: () => fs.readdirSync(dir).map((f) => f.replace(/\.json$/, '')),
    read,
    /** checkExample on the example `name`. */
    check: (name) => checkExample(name, read(name)),
    /** checkCsvExample on the example `name`. */
    checkCsv: (name) => checkCsvExample(read(name)),
  };
}

/**
 * A flat importable array: unique ids, one pbx-connection that every node uses, a comment that
 * explains it, a debug node, only our nodes and the core ones above, wires that resolve, and no
 * credentials. Returns the config node for vendor-specific checks.
 */
function checkExample(name, nodes) {
  const ids = new Set(nodes.map((n) => n.id));
  assert.strictEqual(ids.size, nodes.length, `${name}: unique ids`);
  const configs = nodes.filter((n) => n.type === 'pbx-connection');
  assert.strictEqual(configs.length, 1, `${name}: one connection`);
  assert.ok(!/"password"|"apiKey"|credentials|demo-key/.test(JSON.stringify(nodes)), `${name}: no credentials`);
  assert.ok(
    nodes.some((n) => n.type === 'comment' && n.info),
    `${name}: a comment`,
  );
  assert.ok(
    nodes.some((n) => n.type === 'debug'),
    `${name}: a debug node`,
  );
  for (const n of nodes) {
    assert.ok(n.type === 'pbx-connection' || CORE[n.type] || NODE_TYPES.includes(n.type), `${name}: ${n.type}`);
    if (n.connection !== undefined)
      assert.strictEqual(n.connection, configs[0].id, `${name}: ${n.id} uses the connection`);
    for (const port of n.wires || []) for (const to of port) assert.ok(ids.has(to), `${name}: wire to ${to}`);
  }
  return configs[0];
}

/** Loads `nodes` on a tab with the connection pointed at `url` and `credentials` for it. */
async function deployExample(nodes, url, credentials) {
  // Config nodes stay global, as the editor makes them: a global connection may only name a global phone book.
  const flow = nodes.map((n) =>
    n.type === 'pbx-connection' ? { ...n, url } : n.type === 'pbx-directory' ? n : { ...n, z: 'f1' },
  );
  const config = flow.find((n) => n.type === 'pbx-connection');
  const modules = [
    ...nodeModules(),
    ...[...new Set(Object.values(CORE))].map((m) => require(`@node-red/nodes/core/${m}.js`)),
  ];
  await catalogs;
  await helper.load(modules, [{ id: 'f1', type: 'tab' }, ...flow], { [config.id]: credentials });
  return config;
}

/** The columns of the "Call durations to CSV" examples, as their comment names them. */
const RECORD_COLUMNS = [
  'callId',
  'direction',
  'from',
  'to',
  'startedAt',
  'answeredAt',
  'endedAt',
  'ringMs',
  'talkMs',
  'durationMs',
  'answered',
  'missed',
  'cause',
];

/**
 * The CSV example's checks that need no PBX: the csv node writes RECORD_COLUMNS without a
 * header, the comment names them, and the file node appends to a relative file name.
 */
function checkCsvExample(nodes) {
  const csv = nodes.find((n) => n.type === 'csv');
  const file = nodes.find((n) => n.type === 'file');
  assert.strictEqual(csv.temp, RECORD_COLUMNS.join(','));
  assert.strictEqual(csv.hdrout, 'none');
  assert.ok(nodes.find((n) => n.type === 'comment').info.includes(RECORD_COLUMNS.join(',')));
  assert.ok(!path.isAbsolute(file.filename) && file.overwriteFile === 'false', JSON.stringify(file));
}

/** A scratch directory for the file node: `{path, remove()}` of a file in it. */
function csvFileIn() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-csv-'));
  return { path: path.join(dir, 'call-records.csv'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The lines of a CSV file written by the example, as objects keyed by RECORD_COLUMNS. */
function csvLines(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  assert.strictEqual(lines.pop(), '', 'every line ends with a newline');
  return lines.map((line) => {
    const fields = csvFields(line);
    assert.strictEqual(fields.length, RECORD_COLUMNS.length, line);
    return Object.fromEntries(RECORD_COLUMNS.map((c, i) => [c, fields[i]]));
  });
}

/** RFC 4180 fields of one line: quoted ones may hold commas and doubled quotes. */
function csvFields(line) {
  const fields = [];
  let i = 0;
  for (;;) {
    let f = '';
    if (line[i] === '"') {
      for (i++; i < line.length && !(line[i] === '"' && line[i + 1] !== '"'); i++)
        f += line[i] === '"' ? line[++i] : line[i];
      i++;
    } else for (; i < line.length && line[i] !== ','; i++) f += line[i];
    fields.push(f);
    if (line[i] !== ',') return fields;
    i++;
  }
}

module.exports = {
  CORE,
  examplesIn,
  checkExample,
  deployExample,
  csvFileIn,
  csvLines,
  RECORD_COLUMNS,
};
