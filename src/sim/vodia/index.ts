import { VodiaSim } from './server';
import type { SimAccount } from './pbx';

export { VodiaSim } from './server';
export type { VodiaSimOptions, ReceivedAction } from './server-types';
export { userStateBenchFrames } from './frames';
export { DEFAULT_ACCOUNTS, type SimAccount } from './pbx';
export { renderCall, renderCalls, type CallShape, type SimCall, type SimCallState } from './calls';

const DEMO_PASSWORD = 'demo';

export const DEMO_ACCOUNTS: SimAccount[] = [
  { account: '40', name: 'Demo Desk', password: DEMO_PASSWORD, registered: true, dnd: false, chatstatus: 'online' },
  { account: '41', name: 'Alice Adams', registered: true, dnd: false, chatstatus: 'online' },
  { account: '42', name: 'Bob Brown', registered: true, dnd: false, chatstatus: 'online' },
  { account: '43', name: 'Carol Clark', registered: true, dnd: true, chatstatus: 'offline' },
  { account: '44', name: 'Dave Dunn', registered: false, dnd: false, chatstatus: 'offline' },
  { account: '45', name: 'Erin East', registered: true, dnd: false, chatstatus: 'online' },
  { account: '500', name: 'Support queue', type: 'acds' },
  { account: '600', name: 'Conference room', type: 'conferences' },
];

/** What `npm start` and the examples use: `ws://127.0.0.1:18815/websocket`, domain demo.vodia, user 40. */
export const DEMO = {
  port: 18815,
  domain: 'demo.vodia',
  user: '40',
  accounts: DEMO_ACCOUNTS,
  credentials: { password: DEMO_PASSWORD },
};

const PEOPLE = ['41', '42', '43', '44', '45'];
const OUTSIDE = ['+4930123456', '+33142685300', '+442071234567', '+12125550123'];
/**
 * The display names outside callers arrive with (a SIP display name, `from-name`): two named, one
 * whose "name" is its own number, and +12125550123 without a name.
 */
const OUTSIDE_NAMES: Record<string, string> = {
  '+4930123456': 'Müller GmbH',
  '+33142685300': 'Café Lumière',
  '+442071234567': '+442071234567',
};

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)];
}

/**
 * The demo PBX: presence, DND and registration change every few seconds, calls come and go
 * between the extensions and outside numbers, and every fourth call rings the demo user 40,
 * so the call control example has something to answer, hold or hang up. Every 12 s an outside
 * caller gives up before anyone answers (a missed call for the call record examples). Chats
 * are echoed.
 */
export async function startDemo(): Promise<{ stop(): Promise<void> }> {
  const sim = new VodiaSim({
    domain: DEMO.domain,
    accounts: DEMO.accounts,
    autoAnswerMs: 3000,
    makeCallHangupMs: 20000,
    chatAutoReply: true,
  });
  await sim.start(DEMO.port);
  let tick = 0;
  const giveUps = new Set<NodeJS.Timeout>();
  const timer = setInterval(() => {
    tick++;
    const who = pick(PEOPLE);
    const a = sim.account(who) ?? {};
    const change = pick(['dnd', 'registered', 'chatstatus'] as const);
    if (change === 'dnd') sim.setUser(who, { dnd: a.dnd !== true });
    else if (change === 'registered') sim.setUser(who, { registered: a.registered !== true });
    else sim.setUser(who, { chatstatus: a.chatstatus === 'online' ? 'offline' : 'online' });
    if (tick % 2 === 0) {
      const from = tick % 8 === 0 ? pick(OUTSIDE) : pick(PEOPLE);
      const to =
        tick % 8 === 0 ? DEMO.user : Math.random() < 0.5 ? pick(OUTSIDE) : pick(PEOPLE.filter((p) => p !== from));
      // The demo user's own calls ring long enough to be answered by hand.
      sim.playCall(
        { from, to, fromName: OUTSIDE_NAMES[from] },
        to === DEMO.user ? 15000 : 2000 + Math.random() * 3000,
        6000 + Math.random() * 8000,
      );
    } else if (tick % 4 === 1) {
      const caller = pick(OUTSIDE);
      const id = sim.startCall({ from: caller, fromName: OUTSIDE_NAMES[caller], to: pick(PEOPLE) });
      const t = setTimeout(
        () => {
          giveUps.delete(t);
          sim.endCall(id);
        },
        3000 + Math.random() * 3000,
      );
      giveUps.add(t);
    }
  }, 3000);
  return {
    async stop() {
      clearInterval(timer);
      for (const t of giveUps) clearTimeout(t);
      await sim.stop();
    },
  };
}
