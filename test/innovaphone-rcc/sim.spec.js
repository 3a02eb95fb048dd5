'use strict';
// Issue 10: the RCC part of the innovaphone simulator, frame by frame.
const assert = require('assert');
const { waitFor } = require('../support/wait');
const { RccSim } = require('../../dist/sim/innovaphone/rcc');

const USERS = [
  { cn: 'Alice Adams', h323: 'alice', e164: '201', hw: ['009033000201'] },
  { cn: 'Bob Brown', h323: 'bob', e164: '202' },
];

function client(sim) {
  const frames = [];
  const c = sim.connect((m) => frames.push(m));
  let n = 0;
  return {
    c,
    frames,
    /** Sends a request; returns the frames it caused. */
    req(msg) {
      const from = frames.length;
      c.handle({ api: 'RCC', src: `s${++n}`, ...msg });
      return frames.slice(from);
    },
    since(i) {
      return frames.slice(i);
    },
  };
}
const mts = (frames) => frames.map((f) => f.mt);

describe('innovaphone RCC simulator', () => {
  let sim;
  afterEach(() => sim.stop());

  it('Initialize: every user, then calls in progress (calls:true), then the result, all with its src', () => {
    sim = new RccSim({ users: USERS });
    sim.incomingCall({ from: '0301234', to: 'Bob Brown' });
    const a = client(sim);
    const out = a.req({ mt: 'Initialize', calls: true });
    assert.deepStrictEqual(mts(out), ['UserInfo', 'UserInfo', 'CallAdd', 'CallUpdate', 'InitializeResult']);
    assert.ok(out.every((f) => f.src === 's1' && f.api === 'RCC'));
    assert.deepStrictEqual(
      { ...out[0], guid: typeof out[0].guid },
      {
        api: 'RCC',
        mt: 'UserInfo',
        src: 's1',
        guid: 'string',
        cn: 'Alice Adams',
        dn: 'Alice Adams',
        h323: 'alice',
        e164: '201',
        node: 'root',
        pbx: 'master',
        pseudo: '',
        regs: [{ hw: '009033000201' }],
      },
    );
    assert.strictEqual(out[2].cn, 'Bob Brown');
    assert.strictEqual(out[2].state, 4 + 128);
    assert.strictEqual(typeof out[2]['conf-id'], 'string');
    assert.deepStrictEqual(out[3].remote, { h323: '', e164: '0301234' });
    const b = client(sim);
    assert.deepStrictEqual(mts(b.req({ mt: 'Initialize' })), ['UserInfo', 'UserInfo', 'InitializeResult']);
    const off = new RccSim({ users: USERS, callsList: false });
    off.incomingCall({ from: '1', to: 'Alice Adams' });
    assert.deepStrictEqual(mts(client(off).req({ mt: 'Initialize', calls: true })), [
      'UserInfo',
      'UserInfo',
      'InitializeResult',
    ]);
  });

  it('UserInitialize: a handle and the prefixes, then CallInfo for calls in progress; an unknown user gets no handle', () => {
    sim = new RccSim({ users: USERS });
    const leg = sim.incomingCall({ from: '0301234', to: 'Alice Adams' });
    const a = client(sim);
    const out = a.req({ mt: 'UserInitialize', cn: 'Alice Adams' });
    assert.deepStrictEqual(mts(out), ['UserInitializeResult', 'CallInfo']);
    assert.ok(Number.isInteger(out[0].user) && out[0].user > 0);
    assert.strictEqual(out[0].country, '49');
    assert.deepStrictEqual(
      { ...out[1], conf: typeof out[1].conf },
      {
        api: 'RCC',
        mt: 'CallInfo',
        src: 's1',
        user: out[0].user,
        call: leg,
        conf: 'string',
        state: 4 + 128,
        time: 0,
        peer: { e164: '0301234', dn: undefined },
        no: [],
        msg: 'r-alert',
      },
    );
    const none = a.req({ mt: 'UserInitialize', cn: 'Nobody' });
    assert.deepStrictEqual(none, [{ api: 'RCC', mt: 'UserInitializeResult', src: 's2' }]);
    assert.deepStrictEqual(
      a.req({ mt: 'UserEnd', user: out[0].user }).map((f) => f.mt),
      ['UserEndResult'],
    );
    sim.hangup(leg);
    assert.strictEqual(a.frames.length, 4, 'no CallInfo after UserEnd');
  });

  it('a call between two users: both legs, PBX-centric bits, cause and del on hangup; CallAdd clients see CallUpdate/CallDel', () => {
    sim = new RccSim({ users: USERS });
    const a = client(sim);
    const alice = a.req({ mt: 'UserInitialize', cn: 'Alice Adams' })[0].user;
    const bob = a.req({ mt: 'UserInitialize', cn: 'Bob Brown' })[0].user;
    const all = client(sim);
    all.req({ mt: 'Initialize', calls: true });
    const mark = a.frames.length;
    const markAll = all.frames.length;
    const bobLeg = sim.incomingCall({ from: 'Alice Adams', to: 'Bob Brown' });
    sim.answer(bobLeg);
    sim.hangup(bobLeg);
    const seen = a
      .since(mark)
      .map((f) => `${f.user === alice ? 'alice' : f.user === bob ? 'bob' : '?'} ${f.msg} ${f.state}`);
    assert.deepStrictEqual(seen, [
      'alice r-setup 1',
      'bob x-setup 129',
      'bob r-alert 132',
      'alice x-alert 4',
      'bob r-conn 133',
      'alice x-conn 5',
      'alice x-disc 6',
      'bob r-disc 135',
      'alice del 6',
      'bob del 135',
    ]);
    const bobDisc = a.since(mark).find((f) => f.msg === 'r-disc');
    assert.deepStrictEqual(bobDisc.info, [{ type: 'cause', vali: 16, vals: 'Normal call clearing' }]);
    assert.deepStrictEqual(bobDisc.peer, { cn: 'Alice Adams', dn: undefined, e164: '201', h323: 'alice' });
    assert.deepStrictEqual(
      all.since(markAll).map((f) => `${f.mt} ${f.cn ?? ''}${f.msg ?? ''}`),
      [
        'CallAdd Alice Adams',
        'CallUpdate r-setup',
        'CallAdd Bob Brown',
        'CallUpdate x-setup',
        'CallUpdate r-alert',
        'CallUpdate x-alert',
        'CallUpdate r-conn',
        'CallUpdate x-conn',
        'CallUpdate x-disc',
        'CallUpdate r-disc',
        'CallDel ',
        'CallDel ',
      ],
    );
    assert.deepStrictEqual(sim.calls(), []);
  });

  it('UserCall rings the caller first, then the destination; control requests change the legs', () => {
    sim = new RccSim({ users: USERS });
    const a = client(sim);
    const alice = a.req({ mt: 'UserInitialize', cn: 'Alice Adams' })[0].user;
    const out = a.req({ mt: 'UserCall', user: alice, h323: 'bob' });
    assert.deepStrictEqual(mts(out), ['UserCallResult', 'CallInfo', 'CallInfo']);
    const call = out[0].call;
    assert.deepStrictEqual([out[1].msg, out[1].state, out[2].msg, out[2].state], ['x-setup', 129, 'r-alert', 132]);
    assert.strictEqual(out[1].peer.cn, 'Bob Brown');
    a.req({ mt: 'UserConnect', call });
    const bobLeg = sim.ringingLegs('Bob Brown')[0];
    assert.ok(bobLeg, 'the destination rings once the caller answered');
    sim.answer(bobLeg.id);
    let mark = a.frames.length;
    assert.deepStrictEqual(mts(a.req({ mt: 'UserHold', call })), ['UserHoldResult', 'CallInfo']);
    assert.strictEqual(a.since(mark)[1].state, 5 + 128 + 256);
    assert.strictEqual(sim.calls().find((c) => c.cn === 'Bob Brown').state, 5 + 128 + 512, 'the peer is held');
    mark = a.frames.length;
    a.req({ mt: 'UserRetrieve', call });
    assert.strictEqual(a.since(mark)[1].state, 5 + 128);
    assert.deepStrictEqual(
      a.req({ mt: 'UserDTMF', call, dtmf: '5' }).map((f) => f.mt),
      ['UserDTMFResult'],
    );
    assert.deepStrictEqual(sim.dtmf, [{ call, dtmf: '5', recv: false }]);
    mark = a.frames.length;
    a.req({ mt: 'UserClear', call, cause: 31 });
    const cleared = a.since(mark).filter((f) => f.mt === 'CallInfo');
    assert.deepStrictEqual(
      cleared.map((f) => `${f.msg} ${f.state}`),
      ['x-disc 134', 'del 134'],
    );
    assert.strictEqual(cleared[0].info[0].vals, 'Normal, unspecified');
    assert.deepStrictEqual(sim.calls(), []);
  });

  it('redirect, pickup and transfer', () => {
    sim = new RccSim({ users: [...USERS, { cn: 'Carol Clark', h323: 'carol', e164: '203' }] });
    const a = client(sim);
    const alice = a.req({ mt: 'UserInitialize', cn: 'Alice Adams' })[0].user;
    const carol = a.req({ mt: 'UserInitialize', cn: 'Carol Clark' })[0].user;
    const leg = sim.incomingCall({ from: '0301234', to: 'Alice Adams' });
    a.req({ mt: 'UserRedirect', call: leg, e164: '202' });
    const bobLeg = sim.ringingLegs('Bob Brown')[0];
    assert.strictEqual(bobLeg.call.caller.e164, '0301234');
    assert.deepStrictEqual(
      a.req({ mt: 'UserPickup', user: carol, cn: 'Bob Brown' }).map((f) => f.mt),
      ['UserPickupResult', 'CallInfo'],
    );
    const carolLeg = sim.calls().find((c) => c.cn === 'Carol Clark');
    assert.strictEqual(carolLeg.state, 5 + 128);
    assert.strictEqual(carolLeg.peer, '0301234');
    assert.deepStrictEqual(a.req({ mt: 'UserPickup', user: carol, cn: 'Bob Brown' })[0].error, 'no call to pick up');
    // Carol holds the outside caller and calls Alice; then she connects the two.
    a.req({ mt: 'UserHold', call: carolLeg.id });
    const second = a.req({ mt: 'UserCall', user: carol, cn: 'Alice Adams' })[0].call;
    a.req({ mt: 'UserConnect', call: second });
    sim.answer(sim.ringingLegs('Alice Adams')[0].id);
    const mark = a.frames.length;
    assert.strictEqual(a.req({ mt: 'UserTransfer', a: carolLeg.id, b: second })[0].error, undefined);
    const after = a.since(mark).filter((f) => f.mt === 'CallInfo');
    assert.deepStrictEqual(
      after.map((f) => `${f.user === alice ? 'alice' : 'carol'} ${f.msg}`),
      ['carol del', 'carol del', 'alice transfer'],
    );
    assert.strictEqual(after[2].peer.e164, '0301234', 'Alice now talks to the outside caller');
    assert.strictEqual(after[2].state, 5 + 128);
    assert.deepStrictEqual(
      sim.calls().map((c) => c.cn),
      ['Alice Adams'],
    );
  });

  it('answers errors: unknown call, unknown user, unknown message', () => {
    sim = new RccSim({ users: USERS });
    const a = client(sim);
    assert.strictEqual(a.req({ mt: 'UserClear', call: 99 })[0].error, 'unknown call');
    assert.strictEqual(a.req({ mt: 'UserCall', user: 99, e164: '1' })[0].error, 'unknown user');
    assert.deepStrictEqual(a.req({ mt: 'UserPark', call: 1 })[0], {
      api: 'RCC',
      mt: 'UserParkResult',
      src: 's3',
      error: 'unknown message UserPark',
    });
    assert.deepStrictEqual(a.req({ mt: 'Devices', cn: 'Alice Adams' })[0].devices, [
      { hw: '009033000201', text: '009033000201' },
    ]);
    assert.strictEqual(sim.received.length, 4);
  });

  it('user changes reach initialized clients; a closed client gets nothing; scripted calls play and stop', async () => {
    sim = new RccSim({ users: USERS, autoAnswerMs: 20 });
    const a = client(sim);
    a.req({ mt: 'Initialize', calls: true });
    const mark = a.frames.length;
    sim.addUser({ cn: 'Carol Clark', e164: '203' });
    sim.addUser({ cn: 'Carol Clark', e164: '213' });
    sim.removeUser('Carol Clark');
    assert.deepStrictEqual(
      a.since(mark).map((f) => `${f.update} ${f.e164}`),
      ['add 203', 'upd 213', 'del 213'],
    );
    const leg = sim.playCall({ from: '0301234', to: 'Alice Adams' }, 10, 10);
    await waitFor(() => sim.calls().length === 0, 2000, 'the scripted call to end');
    const states = a.frames.filter((f) => f.mt === 'CallUpdate').map((f) => f.msg);
    assert.deepStrictEqual(states, ['x-setup', 'r-alert', 'r-conn', 'r-disc']);
    assert.ok(leg > 0);
    const count = a.frames.length;
    a.c.close();
    sim.incomingCall({ from: '1', to: 'Bob Brown' });
    a.c.handle({ api: 'RCC', mt: 'Initialize', src: 'x' });
    assert.strictEqual(a.frames.length, count);
    assert.strictEqual(sim.clientCount, 0);
    sim.playCall({ from: '1', to: 'Bob Brown' }, 10000, 10000);
  });
});
