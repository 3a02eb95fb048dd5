'use strict';
// `kind: 'memory'`: the heap over many full redeploys of a 100-node flow, ours or a core-node
// baseline, and (`spec.snapshots`) how much of it is compiled code.
const fs = require('fs');
const os = require('os');
const path = require('path');
const v8 = require('v8');
const WebSocket = require('ws');
const { startRed } = require('../red');
const { until } = require('./host');
const { watcher, ourFlow, websocketClient } = require('./flows');

/**
 * Bytes of compiled code (bytecode, machine code, feedback) in the heap, from a heap snapshot:
 * V8 grows it as it compiles code paths run for the first time, which says nothing of leaks.
 */
function codeBytes() {
  const file = path.join(os.tmpdir(), `pbx-bench-${process.pid}.heapsnapshot`);
  v8.writeHeapSnapshot(file);
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.rmSync(file);
  const fields = snap.snapshot.meta.node_fields;
  const type = fields.indexOf('type');
  const size = fields.indexOf('self_size');
  const code = snap.snapshot.meta.node_types[0].indexOf('code');
  let bytes = 0;
  for (let i = 0; i < snap.nodes.length; i += fields.length)
    if (snap.nodes[i + type] === code) bytes += snap.nodes[i + size];
  return bytes;
}

/**
 * The flow of a memory run, `spec.nodes` nodes: ours on one connection, or a baseline of core
 * nodes in the same shape. `spec.core`: change nodes (Node-RED's own growth). `spec.websocket`:
 * the same, with the first one a `websocket in` on a `websocket-client`, a socket that like ours
 * reconnects on every deploy. (One, not 100: more than 10 on one client make Node-RED print a
 * MaxListenersExceededWarning on every deploy.)
 */
function memoryFlow(spec, protocol, port, connection) {
  const watchers = Array.from({ length: spec.nodes }, (_, i) => {
    const id = `w${i}`;
    if (spec.websocket && i === 0)
      return { id, type: 'websocket in', z: 'tab', name: '', server: '', client: 'wc', wires: [['sink']] };
    if (spec.core || spec.websocket) return { id, type: 'change', z: 'tab', rules: [], wires: [['sink']] };
    return watcher(protocol, id, [String(2000 + i)]);
  });
  if (!spec.websocket) return ourFlow(connection, watchers);
  // No pbx-connection: the core websocket-client stands in its place.
  const flows = ourFlow({ properties: {}, credentials: {} }, watchers);
  return [...flows.filter((n) => n.id !== 'c1'), websocketClient(port)];
}

/**
 * `spec.redeploys` full redeploys; the heap is first sampled after `spec.warmup` of them (the
 * code V8 compiles as a deploy's paths run the first times is warm-up, not growth), then after
 * the rest. `spec.curve`: the heap after each of these redeploy counts too.
 */
async function memory(host, spec) {
  const protocol = 'onlinepbx3';
  const { port, connection } = await host.call('start', { protocol, users: spec.nodes, raw: !!spec.websocket });
  const red = await startRed();
  try {
    const flows = memoryFlow(spec, protocol, port, connection);
    const connected = () =>
      spec.websocket
        ? red.node('wc')?.server?.readyState === WebSocket.OPEN
        : red.node('c1')?.connection?.state === 'connected';
    const settle = async () => {
      if (!spec.core) await until(connected, 'connected');
      await new Promise((r) => setTimeout(r, 200));
      for (let i = 0; i < 3; i++) global.gc();
      // A heap snapshot leaves the process's RSS high: the run that counts code reports no RSS.
      return { ...process.memoryUsage(), code: spec.snapshots ? codeBytes() : 0 };
    };
    const warmup = spec.warmup || 0;
    for (let i = 0; i <= warmup; i++) await red.deploy(flows);
    const first = await settle();
    // A plateau in the curve is warm-up, a steady climb a leak. Its settling pauses and
    // collections are not in the plain run.
    const curve = {};
    for (let i = 1; i <= spec.redeploys; i++) {
      await red.deploy(flows);
      if (spec.curve?.includes(i) && i < spec.redeploys) curve[i] = (await settle()).heapUsed;
    }
    const last = await settle();
    if (spec.curve) curve[spec.redeploys] = last.heapUsed;
    return {
      heapFirst: first.heapUsed,
      heapLast: last.heapUsed,
      heapGrowthPct: ((last.heapUsed - first.heapUsed) / first.heapUsed) * 100,
      codeGrowth: last.code - first.code,
      objectsGrowthPct:
        ((last.heapUsed - last.code - (first.heapUsed - first.code)) / (first.heapUsed - first.code)) * 100,
      rssFirst: first.rss,
      rssLast: last.rss,
      curve,
      connections: (await host.call('status')).connections,
    };
  } finally {
    await red.stop();
  }
}

module.exports = { memory };
