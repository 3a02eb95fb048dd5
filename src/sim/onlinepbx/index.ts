import { DEFAULT_USERS, type SimUser } from './directory';
import { SimPbx } from './pbx';
import { OnlinePbxSim } from './server';

export { OnlinePbxSim } from './server';
export type { OnlinePbxSimOptions, ReceivedCommand, HandshakeFault } from './server-options';
export { blfBenchFrames, type SimApiVersion } from './api';
export { SimPbx, type PbxEvent, type CommandResult } from './pbx';
export { DEFAULT_USERS, DEFAULT_TRUNKS, type SimUser, type SimTrunk } from './directory';
export type { PlayCall } from './call-legs';

/** The demo's users: the default ones, all registered, and a sixth whose phone is not. */
const DEMO_USERS: SimUser[] = [
  ...DEFAULT_USERS.map((u) => ({ ...u, registered: true })),
  {
    uid: '106',
    name: 'Egor Smirnov',
    registered: false,
    agent: 'Grandstream GXP1625 1.0.7.13',
    ip: '10.0.0.16',
    port: 5060,
  },
];

/**
 * What `npm start` and the examples use: API 2.0 at http://127.0.0.1:18813, API 3.0 at
 * ws://127.0.0.1:18814/, one PBX behind both, domain demo.onpbx.ru, API key demo-key.
 */
export const DEMO = {
  port: 18813,
  port3: 18814,
  domain: 'demo.onpbx.ru',
  credentials: { apiKey: 'demo-key' },
  users: DEMO_USERS,
};

const PEOPLE = DEMO_USERS.map((u) => u.uid);
const OUTSIDE = ['79161234567', '74957654321', '78129876543', '79031112233'];
/**
 * The outside callers' caller ID names: two named, one whose name is its own number (what
 * onlinePBX sends for a caller without a name) and one with an empty name.
 */
const OUTSIDE_NAMES: Array<[string, string]> = [
  ['79161234567', 'Olga Smirnova'],
  ['74957654321', 'Romashka LLC'],
  ['78129876543', '78129876543'],
  ['79031112233', ''],
];
const CAUSES = [
  'NORMAL_CLEARING',
  'NORMAL_CLEARING',
  'NORMAL_CLEARING',
  'USER_BUSY',
  'NO_ANSWER',
  'ORIGINATOR_CANCEL',
  'CALL_REJECTED',
];

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)];
}

/**
 * The demo PBX: a call every few seconds (between extensions, to and from outside numbers,
 * some busy or unanswered, some held for a while), phones that unregister and come back.
 * Calls to 79990000000 are rejected (make_call answers CALL_REJECTED).
 */
export async function startDemo(): Promise<{ stop(): Promise<void> }> {
  const pbx = new SimPbx({ domain: DEMO.domain, users: DEMO.users });
  pbx.rejecting.add('79990000000');
  for (const [number, name] of OUTSIDE_NAMES) pbx.callerNames.set(number, name);
  pbx.makeCallHangupMs = 20000;
  const v2 = new OnlinePbxSim({
    apiVersion: '2',
    pbx,
    apiKey: DEMO.credentials.apiKey,
    heartbeatIntervalMs: 25000,
    heartbeatTimeoutS: 60,
  });
  const v3 = new OnlinePbxSim({ apiVersion: '3', pbx, apiKey: DEMO.credentials.apiKey });
  await v2.start(DEMO.port);
  try {
    await v3.start(DEMO.port3);
  } catch (err) {
    await v2.stop();
    throw err;
  }
  let tick = 0;
  const holds = new Set<NodeJS.Timeout>();
  const timer = setInterval(() => {
    tick++;
    if (tick % 5 === 0) {
      const who = pick(PEOPLE);
      const u = pbx.users.get(who);
      if (u) pbx.setRegistration(who, !u.registered);
      return;
    }
    const inbound = tick % 3 === 0;
    const from = inbound ? pick(OUTSIDE) : pick(PEOPLE);
    const to = inbound ? pick(PEOPLE) : Math.random() < 0.5 ? pick(OUTSIDE) : pick(PEOPLE.filter((p) => p !== from));
    const cause = pick(CAUSES);
    const answered = cause === 'NORMAL_CLEARING';
    const id = pbx.playCall({
      from,
      to,
      answerAfterMs: answered ? 1500 + Math.random() * 2500 : null,
      hangupAfterMs: answered ? 5000 + Math.random() * 9000 : 3000 + Math.random() * 3000,
      cause,
    });
    if (answered && tick % 4 === 1) {
      // Hold the call for a moment in the middle.
      const h = setTimeout(() => {
        holds.delete(h);
        if (pbx.hold(id, true)) {
          const r = setTimeout(() => {
            holds.delete(r);
            pbx.hold(id, false);
          }, 2000);
          holds.add(r);
        }
      }, 5000);
      holds.add(h);
    }
  }, 3000);
  return {
    async stop() {
      clearInterval(timer);
      for (const h of holds) clearTimeout(h);
      pbx.stop();
      await Promise.all([v2.stop(), v3.stop()]);
    },
  };
}
