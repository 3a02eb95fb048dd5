'use strict';
// Runs a simulator (or a plain frame server for the raw client and the core-node peer) in its
// own process, so the PBX side has a core of its own; driven over IPC by bench/measure.js.
const WebSocket = require('ws');
const { pushFrames } = require('../dist/sim/common/push');
const { InnovaphoneSim, presenceBenchFrames } = require('../dist/sim/innovaphone');
const { OnlinePbxSim, blfBenchFrames } = require('../dist/sim/onlinepbx');
const { VodiaSim, DEFAULT_ACCOUNTS, userStateBenchFrames } = require('../dist/sim/vodia');

const DOMAIN = 'bench.test';
let sim;
let frameServer;

const userNames = (k) => Array.from({ length: k }, (_, i) => `u${i}`);

/** The frames of `protocol`, as the simulators push them; `srcs` for innovaphone monitors. */
function frames(protocol, users, srcs) {
  if (protocol === 'innovaphone') return presenceBenchFrames(srcs || userNames(users).map((u) => `p:${u}`));
  if (protocol === 'onlinepbx2') return blfBenchFrames('2', users);
  if (protocol === 'onlinepbx3') return blfBenchFrames('3', users);
  return userStateBenchFrames(DOMAIN, users);
}

async function start({ protocol, users, raw }) {
  if (raw) {
    frameServer = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => frameServer.once('listening', r));
    return { port: frameServer.address().port };
  }
  if (protocol === 'innovaphone') {
    const list = userNames(users).map((u, i) => ({
      sip: u,
      num: String(1000 + i),
      dn: `User ${i}`,
      presence: [{ contact: 'tel:', status: 'open', activity: '', note: '' }],
    }));
    sim = new InnovaphoneSim({ users: list, devices: [] });
  } else if (protocol === 'vodia') {
    const accounts = [
      ...DEFAULT_ACCOUNTS,
      ...Array.from({ length: users }, (_, i) => ({
        account: String(2000 + i),
        name: `User ${i}`,
        registered: true,
        dnd: false,
      })),
    ];
    sim = new VodiaSim({ domain: DOMAIN, accounts });
  } else {
    sim = new OnlinePbxSim({ apiVersion: protocol === 'onlinepbx3' ? '3' : '2', apiKey: 'bench-key', domain: DOMAIN });
  }
  return { port: await sim.start(0) };
}

function sockets() {
  if (frameServer) return [...frameServer.clients];
  return sim.sockets;
}

/** One frame builder per socket (innovaphone frames carry the src of that socket's monitors). */
function builders(protocol, users) {
  if (protocol !== 'innovaphone' || frameServer) return sockets().map((ws) => [ws, frames(protocol, users)]);
  return sim.clients.map((c) => [
    c.ws,
    frames(
      protocol,
      users,
      userNames(users).map((u) => sim.pbx.srcOf(c, u) || ''),
    ),
  ]);
}

async function push({ protocol, n, users }) {
  const t0 = performance.now();
  for (const [ws, frame] of builders(protocol, users)) await pushFrames([ws], n, (i) => frame(i));
  return { ms: performance.now() - t0 };
}

/** `n` frames at `rate` per second, each with its send time `t` for the latency. */
async function paced({ protocol, n, users, rate }) {
  const targets = builders(protocol, users);
  const perTick = Math.max(1, Math.round(rate / 100));
  let i = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      for (let k = 0; k < perTick && i < n; k++, i++) {
        const extra = `,"t":${performance.timeOrigin + performance.now()}`;
        for (const [ws, frame] of targets) ws.send(frame(i, extra));
      }
      if (i >= n) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  return {};
}

async function status() {
  if (!sim) return { connections: frameServer ? frameServer.clients.size : 0 };
  const out = { connections: sim.connectionCount };
  if (sim instanceof InnovaphoneSim) out.subscriptions = sim.pbx.subscriptions().length;
  return out;
}

async function stop() {
  if (sim) await sim.stop();
  if (frameServer) {
    for (const ws of frameServer.clients) ws.terminate();
    await new Promise((r) => frameServer.close(r));
  }
  return {};
}

const handlers = { start, push, paced, status, stop };
process.on('message', async (msg) => {
  try {
    process.send({ id: msg.id, ok: true, result: await handlers[msg.cmd](msg) });
  } catch (err) {
    process.send({ id: msg.id, ok: false, error: err.stack || String(err) });
  }
  if (msg.cmd === 'stop') process.disconnect();
});
