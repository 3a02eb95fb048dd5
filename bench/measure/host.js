'use strict';
// What every measurement shares: the simulator in a child process of its own (bench/sim-host.js,
// so the PBX side has a core of its own), polling, and timed pushes of frames.
const { fork } = require('child_process');
const path = require('path');

const WAIT_MS = 60000;

function simHost() {
  const child = fork(path.join(__dirname, '..', 'sim-host.js'), [], { stdio: 'inherit' });
  let next = 0;
  const waiting = new Map();
  child.on('message', (m) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(m.error));
  });
  return {
    call: (cmd, args = {}) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        child.send({ id, cmd, ...args });
      }),
    exited: new Promise((r) => child.once('exit', r)),
  };
}

async function until(check, label, ms = WAIT_MS) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out: ${label}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Pushes `n` frames over `users` and waits until `counter.count` has them all: events per
 * second, and (`cpuPct`) how busy this, the receiving, process was meanwhile. `numbers`: the
 * frames' other parties cycle through them (the phone book bench).
 */
async function timedPush(host, counter, protocol, n, users, numbers) {
  counter.count = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  host.call('push', { protocol, n, users, numbers });
  await until(() => counter.count >= n, `${n} events`);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { rate: n / (ms / 1000), cpuPct: ((cpu.user + cpu.system) / 1000 / ms) * 100 };
}

/** Heap after three collections. */
function settledHeap() {
  for (let i = 0; i < 3; i++) global.gc();
  return process.memoryUsage().heapUsed;
}

/** The value at quantile `q` of `list`. */
function quantile(list, q) {
  const sorted = list.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

module.exports = { simHost, until, timedPush, settledHeap, quantile };
