'use strict';
// A PBX that is less exact than the documentation: presence updates without the subscription's
// `src`. The monitors still find their user where that is unambiguous.
const assert = require('assert');
const { helper, loadFlow, record, waitFor } = require('../support/red');
const { AppServer, appPasswordLogin } = require('../../dist/sim/innovaphone');

describe('innovaphone: a PBX that leaves src out of presence updates', function () {
  this.timeout(10000);
  let server;
  let subscribed = 0;
  afterEach(async () => {
    await helper.unload();
    await server.stop();
  });

  async function pbx() {
    subscribed = 0;
    server = new AppServer({
      checkLogin: appPasswordLogin('nodered', 'pwd'),
      onMessage: (c, m) => {
        if (m.mt !== 'SubscribePresence') return;
        subscribed++;
        c.send({ api: 'PbxApi', mt: 'SubscribePresenceResult', src: m.src });
        const who = m.sip ?? m.num;
        c.send({ api: 'PbxApi', mt: 'PresenceState', up: true, sip: who, num: '201', dn: `User ${who}` });
        c.send({
          api: 'PbxApi',
          mt: 'PresenceUpdate',
          presence: [{ contact: 'tel:', status: 'open', activity: 'busy', note: '' }],
        });
      },
    });
    await server.start(0);
  }

  const flow = (users) => [
    {
      id: 'c1',
      type: 'pbx-connection',
      vendor: 'innovaphone',
      url: `ws://127.0.0.1:${server.port}/PBX0/APPS/websocket`,
      app: 'nodered',
    },
    { id: 'p1', type: 'pbx-presence-in', connection: 'c1', users, wires: [['h1']] },
    { id: 'h1', type: 'helper' },
  ];

  it('takes PresenceState by its sip, and updates of the only monitor as its own', async () => {
    await pbx();
    await loadFlow(flow('alice'), { c1: { password: 'pwd' } });
    const msg = await record('h1').next();
    assert.strictEqual(msg.topic, 'alice');
    assert.strictEqual(msg.payload.status, 'busy');
    assert.strictEqual(msg.payload.dn, 'User alice');
  });

  it('does not guess between several monitors', async () => {
    await pbx();
    await loadFlow(flow('alice, bob'), { c1: { password: 'pwd' } });
    const rec = record('h1');
    await waitFor(() => subscribed === 2, 5000, 'both monitors asked for');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepStrictEqual(rec.list, []);
  });
});
