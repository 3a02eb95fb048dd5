/** The simulated onlinePBX's users with their phones, and its trunks: the demo's by default. */

export interface SimUser {
  uid: string;
  name: string;
  registered: boolean;
  agent: string;
  ip: string;
  port: number;
}

export interface SimTrunk {
  extension: string;
  desc: string;
  dest: string;
  uri: string;
  status: string;
}

export const DEFAULT_USERS: SimUser[] = [
  {
    uid: '101',
    name: 'Anna Ivanova',
    registered: true,
    agent: 'Yealink SIP-T46S 66.86.0.15',
    ip: '10.0.0.11',
    port: 5060,
  },
  { uid: '102', name: 'Boris Petrov', registered: true, agent: 'Cisco/SPA303-7.6.2', ip: '10.0.0.12', port: 5060 },
  {
    uid: '103',
    name: 'Vera Sokolova',
    registered: true,
    agent: 'Yealink SIP-T31P 124.86.0.40',
    ip: '10.0.0.13',
    port: 5062,
  },
  { uid: '104', name: 'Gleb Orlov', registered: false, agent: 'MicroSIP/3.21.3', ip: '10.0.0.14', port: 5070 },
  { uid: '105', name: 'Dina Kuznetsova', registered: true, agent: 'Zoiper rv2.10.20', ip: '10.0.0.15', port: 5080 },
];

export const DEFAULT_TRUNKS: SimTrunk[] = [
  { extension: '74951234567', desc: 'Moscow main line', dest: '101', uri: '74951234567@sip.zebra.ru', status: 'REGED' },
  { extension: '78123456789', desc: 'St Petersburg', dest: '102', uri: '78123456789@sip.mtt.ru', status: 'REGED' },
  { extension: '88001006729', desc: 'Toll free', dest: '500', uri: '005815@sip.zebra.ru', status: 'FAIL_WAIT' },
];

/** user_list: the registered phones, in the excerpt's shape (numbers as strings, `exp` in ms). */
export function userList(users: Iterable<SimUser>, domain: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const exp = Date.now() + 3600 * 1000;
  for (const u of users) {
    if (!u.registered) continue;
    out.push({
      name: u.name,
      local_ip: u.ip,
      local_port: String(u.port),
      exp,
      realm: domain,
      uid: u.uid,
      ip: '213.222.45.85',
      port: String(20000 + Number(u.uid)),
      agent: u.agent,
    });
  }
  return out;
}
