'use strict';
// An in-memory AppWebsocket for the RCC session and the RCC simulator: requests get a `src`,
// `<mt>Result` frames settle them, every other frame goes to `session.handle`. Frames are
// delivered in batches on a later tick, the way ws emits all frames of one TCP read at once,
// so the frames right after a result are read before the result's promise settles.
const { PendingRequests } = require('../../dist/protocols/common/pending-requests');
const { RccSession } = require('../../dist/protocols/innovaphone/rcc/session');

function link(sim, options = {}) {
  const pending = new PendingRequests();
  const emitted = [];
  const logs = [];
  const frames = [];
  let outbox = [];
  let scheduled = false;
  let seq = 0;
  let client;
  const events = {
    emit: (channel, key, m) => emitted.push({ channel, key, ...m }),
    listening: () => true,
    callSummary: () => undefined,
    users: () => undefined,
    snapshot: () => undefined,
    log: (level, text) => logs.push(`${level} ${text}`),
  };
  let session;
  const flush = () => {
    scheduled = false;
    const batch = outbox;
    outbox = [];
    for (const msg of batch) {
      frames.push(msg);
      if (typeof msg.mt === 'string' && msg.mt.endsWith('Result') && pending.has(String(msg.src)))
        pending.resolve(String(msg.src), msg);
      else session.handle(msg);
    }
  };
  const attach = () => {
    const c = sim.connect((msg) => {
      if (c !== client) return;
      outbox.push(JSON.parse(JSON.stringify(msg)));
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
    client = c;
  };
  const request = (msg, timeoutMs) => {
    const src = `r${++seq}`;
    const p = pending.add(src, timeoutMs, String(msg.mt));
    if (!client) pending.reject(src, new Error('not connected'));
    else client.handle({ ...msg, src });
    return p;
  };
  session = new RccSession({ request, events, settleMs: 30, legWaitMs: 300, ...options });
  attach();
  session.connected();
  return {
    session,
    emitted,
    logs,
    frames,
    sent: () => sim.received,
    calls: () => emitted.filter((e) => e.channel === 'call'),
    /** The socket drops: pending requests fail, the session suspends. */
    drop() {
      client.close();
      client = undefined;
      pending.rejectAll('socket closed');
      session.disconnected();
    },
    /** A new socket logs in. */
    reconnect() {
      attach();
      session.connected();
    },
    close() {
      if (client) this.drop();
    },
  };
}

module.exports = { link };
