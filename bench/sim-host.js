'use strict';
// Runs a simulator (or a plain frame server for the raw client and the core-node peer) in its
// own process, so the PBX side has a core of its own; driven over IPC by bench/measure.js.
const WebSocket = require('ws');
const { pushFrames } = require('../dist/sim/common/push');
const { benchProtocol } = require('../scripts/sim-profiles');

let sim;
let frameServer;
/** The protocol `start` was asked for: `{ profile, bench }`. */
let chosen;

/**
 * A bench simulator of `protocol` (its vendor's profile, src/sim/<vendor>/bench.ts), or with
 * `raw` a plain frame server; its port, and for a simulator the connection that reaches it.
 */
async function start({ protocol, users, raw }) {
  chosen = benchProtocol(protocol);
  if (raw) {
    frameServer = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => frameServer.once('listening', r));
    return { port: frameServer.address().port };
  }
  sim = await chosen.bench.start(users);
  const { profile } = chosen;
  return { port: sim.port, connection: { properties: profile.connection(sim), credentials: profile.credentials(sim) } };
}

function sockets() {
  if (frameServer) return [...frameServer.clients];
  return sim.sockets;
}

/**
 * One frame builder per socket (innovaphone frames carry the src of that socket's monitors);
 * with `numbers`, frames whose other party cycles through them (the phone book bench).
 */
function builders(users, numbers) {
  const { bench } = chosen;
  if (numbers && !bench.callerFrames) throw new Error(`bench protocol ${bench.name} has no frames with callers`);
  const simOf = frameServer ? undefined : sim;
  return sockets().map((ws) => [
    ws,
    numbers ? bench.callerFrames(users, numbers, ws, simOf) : bench.frames(users, ws, simOf),
  ]);
}

async function push({ n, users, numbers }) {
  const t0 = performance.now();
  for (const [ws, frame] of builders(users, numbers)) await pushFrames([ws], n, (i) => frame(i));
  return { ms: performance.now() - t0 };
}

/** `n` frames at `rate` per second, each with its send time `t` for the latency. */
async function paced({ n, users, rate }) {
  const targets = builders(users);
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
  if (chosen.bench.subscriptions) out.subscriptions = chosen.bench.subscriptions(sim);
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
