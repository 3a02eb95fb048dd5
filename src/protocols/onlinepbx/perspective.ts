import { type OnlinePbxData } from './normalize';
import type { Call } from '../../model/types';
import { textOf } from '../common/values';

/** A call as the PBX's users see it: the same on every leg and event of the call, and in its record. */
export interface UsersView {
  direction?: Call['direction'];
  /** The PBX's user in the call: the callee of an inbound call, the caller of an outbound or local one. */
  extension?: string;
}

interface Parties {
  from?: string;
  to?: string;
  /** The caller is a phone of the PBX / came in through a trunk (see `learn`). */
  callerInside?: boolean;
  callerOutside?: boolean;
  /** The PBX's own word on the whole call (3.0 `call_end` `type`): final. */
  stated?: Call['direction'];
}

/** The trunk field of a channel: 2.0 `gate`, 3.0 may say `gateway_number`; undefined when the frame has none. */
function gateOf(d: OnlinePbxData): string | undefined {
  for (const key of ['gate', 'gateway_number']) if (key in d) return textOf(d[key]) ?? '';
  return undefined;
}

/**
 * The direction and extension of a call as the PBX's users see them. FreeSWITCH's channel
 * `direction` is relative to the switch, not to the users: the leg of a user's own phone
 * dialling out is `inbound` (it comes in to the switch), the leg that rings a user's phone is
 * `outbound`. A user dialling out (extension 204 to 84951234567) arrives as
 * `channel_create {direction: "inbound", caller_number: "204", destination_number:
 * "84951234567", destination_host: <the PBX's domain>, gate: ""}`, which an onlinePBX Drupal
 * module run against a live PBX counts as outgoing; a call from outside arrives as the API 2.0
 * doc's example `{direction: "inbound", endpoint: "9090001122", caller_number: "9090001122",
 * destination_number: "555", gate: "4951112233"}`. So, per channel:
 * - `inbound` with an empty `gate`: the caller is a phone of the PBX;
 * - `inbound` with a `gate`: the caller came in through a trunk, from outside;
 * - `endpoint` `<number>@<domain>`: that number is a phone of the PBX (the doc's examples).
 * The call is `local` when caller and callee are the PBX's users, `outbound` when only the
 * caller is, `inbound` when the caller is outside. A callee is known as a user from the
 * users the connection learned (lamps, registrations, `user_list`) or from its own leg, so a
 * call between two users the connection has not met yet says `outbound` until the callee's
 * leg (the next frame) shows it is `local`. 3.0's `call_end` `type` is the PBX's own word.
 */
export class UsersPerspective {
  private readonly calls = new Map<string, Parties>();

  constructor(
    private readonly users: Set<string>,
    private readonly max: number,
  ) {}

  /** Learns what `event` on `leg` says about `group`, and returns the call as its users see it. */
  see(group: string, leg: Call, event: string, d: OnlinePbxData): UsersView {
    let p = this.calls.get(group);
    if (!p) {
      if (this.calls.size >= this.max) this.calls.delete(this.calls.keys().next().value as string);
      this.calls.set(group, (p = {}));
    }
    this.learn(p, leg, event, d);
    const direction = this.directionOf(p);
    const view: UsersView = {};
    if (direction) view.direction = direction;
    const extension = direction === 'inbound' ? p.to : direction ? p.from : undefined;
    if (extension) view.extension = extension;
    return view;
  }

  /** The call is over: nothing more to see. */
  forget(group: string): void {
    this.calls.delete(group);
  }

  private learn(p: Parties, leg: Call, event: string, d: OnlinePbxData): void {
    if (event === 'call_end') {
      const type = textOf(d.type)?.toLowerCase();
      if (type === 'inbound' || type === 'outbound' || type === 'local') p.stated = type;
    }
    // The parties of the call as its first leg named them (a 2.0 call's legs all name the same).
    p.from ??= leg.from;
    p.to ??= leg.to;
    const endpoint = textOf(d.endpoint);
    const at = endpoint ? endpoint.indexOf('@') : -1;
    const phone = endpoint && at > 0 ? endpoint.slice(0, at) : undefined;
    if (phone) this.users.add(phone);
    // Only the caller's own channel (the one that came in to the switch) tells where the caller is.
    if (textOf(d.direction)?.toLowerCase() !== 'inbound' || leg.from === undefined || leg.from !== p.from) return;
    const gate = gateOf(d);
    if (phone === leg.from || gate === '') p.callerInside = true;
    else if (gate) p.callerOutside = true;
  }

  private directionOf(p: Parties): Call['direction'] {
    if (p.stated) return p.stated;
    const callerUser = p.callerInside === true || (!p.callerOutside && p.from !== undefined && this.users.has(p.from));
    const calleeUser = p.to !== undefined && this.users.has(p.to);
    if (callerUser) return calleeUser ? 'local' : 'outbound';
    if (p.callerOutside || calleeUser) return 'inbound';
    return undefined;
  }
}
