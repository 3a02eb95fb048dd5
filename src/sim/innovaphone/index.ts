import type WebSocket from 'ws';
import { pushFrames } from '../common/push';
import { AppServer, appPasswordLogin, type AppClient, type AppMessage } from './app-server';
import { EpSignalSim } from './ep-signal';
import { PbxApiSim, type SimProfile, type SimUser } from './pbx-api';
import { RccSim, type RccSimClient, type RccSimOptions, type RccSimUser } from './rcc';

export { AppServer, appPasswordLogin, type AppClient, type AppMessage } from './app-server';
export type { SimUser, SimProfile } from './pbx-api';

export interface InnovaphoneSimOptions {
  app?: string;
  password?: string;
  users?: SimUser[];
  profiles?: SimProfile[];
  /** Hardware ids of the devices EpSignal can attach to. */
  devices?: string[];
  rcc?: RccSimOptions;
  tls?: { key: string; cert: string };
  /** The APIs granted to the App object (default: PbxApi, EpSignal, RCC); others are refused. */
  apis?: string[];
}

const open = (contact = 'tel:', activity = ''): SimUser['presence'][number] => ({
  contact,
  status: 'open',
  activity,
  note: '',
});

export const DEFAULT_USERS: SimUser[] = [
  { sip: 'alice', num: '201', dn: 'Alice Adams', email: 'alice@example.com', presence: [open(), open('im:')] },
  { sip: 'bob', num: '202', dn: 'Bob Brown', presence: [open('tel:', 'busy')] },
  {
    sip: 'carol',
    num: '203',
    dn: 'Carol Clark',
    presence: [{ contact: 'im:', status: 'closed', activity: '', note: '' }],
  },
  { sip: 'dave', num: '204', dn: 'Dave Davis', presence: [open('tel:', 'dnd')] },
];

export const DEFAULT_PROFILE: SimProfile = {
  id: 1,
  name: 'Favourites',
  contacts: [{ id: 11, name: 'bob', num: '202', dsp: 'Bob Brown', presence: true, dialog: true }],
};

export const DEFAULT_DEVICES = ['009033aabb01', '009033aabb02'];

const rccUsers = (users: SimUser[], devices: string[]): RccSimUser[] =>
  users.map((u, i) => ({ cn: u.sip, dn: u.dn, h323: u.sip, e164: u.num, hw: devices[i] ? [devices[i]] : [] }));

/**
 * An innovaphone PBX App object for tests, benchmarks and `npm start`: AppWebsocket login,
 * PbxApi, EpSignal and RCC on one socket, with the fault controls of AppServer.
 */
export class InnovaphoneSim extends AppServer {
  readonly app: string;
  readonly password: string;
  readonly pbx: PbxApiSim;
  readonly ep: EpSignalSim;
  readonly rcc: RccSim;
  private readonly apis: Set<string>;

  constructor(opts: InnovaphoneSimOptions = {}) {
    const app = opts.app ?? 'nodered';
    const password = opts.password ?? 'pwd';
    super({ checkLogin: appPasswordLogin(app, password), tls: opts.tls });
    this.app = app;
    this.password = password;
    const users = opts.users ?? DEFAULT_USERS;
    const devices = opts.devices ?? DEFAULT_DEVICES;
    const clients = (): AppClient[] => this.clients;
    this.pbx = new PbxApiSim(users, opts.profiles ?? [DEFAULT_PROFILE], clients);
    this.ep = new EpSignalSim(new Set(devices), clients);
    this.rcc = new RccSim({ users: rccUsers(users, devices), ...opts.rcc });
    this.apis = new Set(opts.apis ?? ['PbxApi', 'EpSignal', 'RCC']);
  }

  get url(): string {
    return `${this.tls ? 'wss' : 'ws'}://127.0.0.1:${this.port}/PBX0/APPS/websocket`;
  }
  get sockets(): WebSocket[] {
    return this.clients.map((c) => c.ws);
  }

  override async stop(): Promise<void> {
    this.rcc.stop();
    await super.stop();
  }

  /** A scripted call at device `hw`, its Signaling passing through the attached clients. */
  playDeviceCall(hw: string, to: string, talkMs?: number): number {
    return this.ep.playCall(hw, { to }, (ms, fn) => this.later(ms, fn), talkMs);
  }

  /**
   * Benchmarks: `n` PresenceUpdates spread over `users` (sip names some socket monitors), as
   * fast as the sockets take them. Each frame carries `seq`.
   */
  async pushPresenceUpdates(n: number, users: string[]): Promise<void> {
    for (const c of this.clients) {
      const frame = presenceBenchFrames(users.map((u) => this.pbx.srcOf(c, u) ?? ''));
      await pushFrames([c.ws], n, (i) => frame(i));
    }
  }

  protected override closed(c: AppClient): void {
    (c.state.get('rcc') as RccSimClient | undefined)?.close();
    this.ep.forget(c);
  }

  protected override handle(c: AppClient, msg: AppMessage): void {
    if (msg.api === undefined) return;
    const api = String(msg.api);
    if (!this.apis.has(api) || !['PbxApi', 'EpSignal', 'RCC'].includes(api)) {
      // What a PBX answers for an API not granted is undocumented (spec §7.6): an error result.
      c.send({ api: msg.api, mt: `${String(msg.mt)}Result`, src: msg.src, error: `API ${api} not granted` });
    } else if (api === 'PbxApi') this.pbx.handle(c, msg);
    else if (api === 'EpSignal') this.ep.handle(c, msg);
    else {
      let rcc = c.state.get('rcc') as RccSimClient | undefined;
      if (!rcc) c.state.set('rcc', (rcc = this.rcc.connect((m) => c.send(m))));
      rcc.handle(msg);
    }
  }
}

/**
 * Benchmark frames: PresenceUpdate `i` for the monitor with `srcs[i % srcs.length]`, busy and
 * available alternating, `seq` = i, plus `extra`.
 */
export function presenceBenchFrames(srcs: string[]): (i: number, extra?: string) => string {
  const quoted = srcs.map((s) => JSON.stringify(s));
  return (i, extra = '') => {
    const activity = Math.floor(i / srcs.length) % 2 === 0 ? 'busy' : '';
    return `{"api":"PbxApi","mt":"PresenceUpdate","src":${quoted[i % srcs.length]},"seq":${i}${extra},"presence":[{"contact":"tel:","status":"open","activity":"${activity}","note":""}]}`;
  };
}

/** `npm start`: the App object the example flows log in to. */
export const DEMO = { port: 18811, app: 'nodered', credentials: { password: 'demo-pwd' } };

/**
 * Outside callers of the demo with the names their calling party's Name Identification gives:
 * two named, one whose "name" is its own number; the caller who gives up (0897654321) has none.
 */
const OUTSIDE_CALLERS = [
  { from: '0711123456', fromName: 'Schmidt & Co.' },
  { from: '030987654', fromName: 'Anna Berg' },
  { from: '0221555777', fromName: '0221555777' },
];

/**
 * The demo PBX: presence changes, favourites and device calls every few seconds; over RCC, every
 * 15 s each, an answered call from outside, an outside caller who gives up before the phone
 * answers (a missed call) and a call between two users.
 */
export async function startDemo(): Promise<{ stop(): Promise<void> }> {
  const sim = new InnovaphoneSim({
    app: DEMO.app,
    password: DEMO.credentials.password,
    rcc: { autoAnswerMs: 3000, userCallHangupMs: 20000 },
  });
  await sim.start(DEMO.port);
  const activities = ['', 'busy', 'away', 'dnd', ''];
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    const user = DEFAULT_USERS[tick % DEFAULT_USERS.length];
    sim.pbx.setPresence(user.sip, {
      activity: activities[tick % activities.length],
      note: tick % 3 === 0 ? 'in a meeting' : '',
    });
    if (tick % 4 === 0) sim.playDeviceCall(DEFAULT_DEVICES[0], String(300 + (tick % 50)), 2000);
    if (tick % 5 === 0)
      sim.rcc.playCall({ ...OUTSIDE_CALLERS[(tick / 5) % OUTSIDE_CALLERS.length], to: 'bob' }, 2000, 3000);
    if (tick % 5 === 2) {
      // Hangs up before the 3 s auto answer: rung, never answered.
      const leg = sim.rcc.incomingCall({ from: '0897654321', to: DEFAULT_USERS[tick % 3].sip });
      sim.later(2000, () => sim.rcc.hangup(leg));
    }
    if (tick % 5 === 4) sim.rcc.playCall({ from: 'dave', to: DEFAULT_USERS[tick % 3].sip }, 1500, 4000);
  }, 3000);
  return {
    async stop() {
      clearInterval(timer);
      await sim.stop();
    },
  };
}
