import { encodeEvent } from '../../protocols/onlinepbx/codec';
import type { CommandResult, SimPbx } from './pbx';

/** The two API generations the simulator speaks, and what differs between them besides the wire. */
export type SimApiVersion = '2' | '3';

/**
 * Benchmark frames: blf (3.0: user_blf) event `i` over `extensions` extensions 2000..,
 * ringing and hangup alternating, `seq` = i; `extra` is spliced into the event data. The other
 * leg is one outside number, or cycles through `otherParties` (the phone book bench: the names
 * seam looks each one up).
 */
export function blfBenchFrames(
  apiVersion: SimApiVersion,
  extensions: number,
  otherParties: readonly string[] = ['74950000000'],
): (i: number, extra?: string) => string {
  const v3 = apiVersion === '3';
  const head = v3 ? '{"event":"user_blf","data":{"uid":"' : '5:::{"name":"blf","args":[{"uid":"';
  const tail = v3 ? '}}' : '}]}';
  const ts = Math.floor(Date.now() / 1000);
  const others = otherParties.map((n) => JSON.stringify(n));
  return (i, extra = '') => {
    const status = Math.floor(i / extensions) % 2 === 0 ? 'ringing' : 'hangup';
    const other = others[i % others.length];
    return `${head}${2000 + (i % extensions)}","status":"${status}","direction":"in","rank":"master","other_leg":${other},"uuid":"bench-${i}","timestamp":${ts},"seq":${i}${extra}${tail}`;
  };
}

/** The full flag map a 2.0 subscribe answers with (the excerpt's example, incl. server-side fax/conference). */
export const V2_FLAGS = ['calls', 'blf', 'fax', 'conference', 'messages', 'callback', 'api', 'registration'];

/** A 2.0 `subscribe`: `"list"` answers the flags, an object sets the documented ones it names. */
export function subscribeV2(flags: Record<string, boolean>, events: unknown): CommandResult {
  if (events === 'list') return { ok: true, data: { ...flags }, text: 'Subscriptions list' };
  if (events === null || typeof events !== 'object' || Array.isArray(events))
    return { ok: false, text: 'INVALID_PARAMS' };
  for (const [k, v] of Object.entries(events)) if (V2_FLAGS.includes(k)) flags[k] = v === true;
  return { ok: true, data: { ...flags }, text: 'Subscriptions are updated' };
}

/** 2.0 flag / 3.0 group an event belongs to; undefined = every client gets it. */
export function v2Flag(name: string): string | undefined {
  if (name === 'blf' || name === 'registration') return name;
  if (name.startsWith('channel_')) return 'calls';
  if (name === 'message') return 'messages';
  return undefined;
}

export function v3Group(name: string): string | undefined {
  if (name === 'user_blf' || name === 'user_registration') return name;
  if (name.startsWith('channel_') || name === 'call_end') return 'calls';
  if (name.startsWith('gateway')) return 'gateway';
  return undefined;
}

/** 3.0 names of the 2.0 events; `call_end` exists in 3.0 only, `message` in 2.0 only. */
export function v3Name(name: string): string | undefined {
  if (name === 'blf') return 'user_blf';
  if (name === 'registration') return 'user_registration';
  if (name === 'message') return undefined;
  return name;
}

/** A 3.0 command: the answer's event name and data (`error_<command>` with a message on failure). */
export function runV3Command(
  pbx: SimPbx,
  groups: Set<string>,
  command: string,
  data: Record<string, unknown>,
): [string, unknown] {
  const fail = (message: string): [string, unknown] => [`error_${command || 'command'}`, { message }];
  const run = (name: string, params: Record<string, unknown>, ok: string, body: unknown): [string, unknown] => {
    const r = pbx.command(name, params);
    return r.ok ? [ok, body] : fail(r.text);
  };
  switch (command) {
    case 'subscribe':
    case 'unsubscribe': {
      const named = data.eventGroups;
      if (!Array.isArray(named) || !named.every((g) => typeof g === 'string'))
        return fail('eventGroups must be an array of strings');
      for (const g of named as string[]) {
        if (command === 'subscribe') groups.add(g);
        else groups.delete(g);
      }
      return [`${command}d`, { eventGroups: [...groups] }];
    }
    case 'transfer':
      return run('transfer', { uuid: data.uuid, to: data.to }, 'transferred', { uuid: data.uuid });
    case 'bridge': {
      const uuids = Array.isArray(data.uuids) ? data.uuids : [];
      if (uuids.length !== 2) return fail('uuids must name two channels');
      return run('bridge', { uuid: uuids[0], to_uuid: uuids[1] }, 'bridged', { uuids });
    }
    case 'hangup_channel':
      return run('hangup_call', { uuid: data.uuid }, 'hangup_channel', { uuid: data.uuid });
    default:
      return fail('UNKNOWN_COMMAND');
  }
}

/**
 * A PBX event as the wire of `version` carries it; `undefined` when that API has no such event.
 * `wsTypes`: the 3.0 shapes of the typed client (`call_end` names the call in `uuid`).
 */
export function eventFrame(
  version: SimApiVersion,
  wsTypes: boolean,
  name: string,
  data: Record<string, unknown>,
): string | undefined {
  if (version === '3') {
    const v3 = v3Name(name);
    if (!v3) return undefined;
    const shaped = wsTypes && v3 === 'call_end' ? { ...data, uuid: data.call_uuid, call_uuid: undefined } : data;
    return JSON.stringify({ event: v3, data: shaped });
  }
  if (name === 'call_end') return undefined;
  // 2.0 events carry no call_uuid (a 3.0 addition).
  const v2 = { ...data };
  delete v2.call_uuid;
  return encodeEvent(name, [v2]);
}

/** Whether a socket's subscriptions (2.0 flags, 3.0 groups) take `name`; events of no group go to all. */
export function subscribedTo(
  version: SimApiVersion,
  flags: Record<string, boolean>,
  groups: Set<string>,
  name: string,
): boolean {
  if (version === '3') {
    const g = v3Group(v3Name(name) ?? name);
    return g === undefined || groups.has(g);
  }
  const f = v2Flag(name);
  return f === undefined || flags[f] === true;
}
