import type { Presence, PresenceStatus } from '../../model/types';
import { textOf } from '../common/values';

/**
 * innovaphone presence -> the normalized presence. PresenceUpdate carries a list of presence
 * entries, newest first (PbxApi doc); the newest decides:
 *
 * | newest entry                         | status      |
 * |--------------------------------------|-------------|
 * | activity `dnd`                       | `dnd`       |
 * | activity `busy`, `on-the-phone`      | `busy`      |
 * | activity `away` or any other text    | `away`      |
 * |   (lunch, vacation, ... are absences: inferred from the C++ PbxApi doc's examples) |
 * | activity `""`, status `open`         | `available` |
 * | activity `""`, status `closed`       | `offline`   |
 * | no entry, or a monitor that is down  | `unknown`   |
 */
export interface PresenceEntry {
  contact?: unknown;
  status?: unknown;
  activity?: unknown;
  note?: unknown;
}

/** What PresenceState said about the monitored user. */
export interface EndpointInfo {
  sip?: string;
  num?: string;
  dn?: string;
  up?: boolean;
}

export function statusOf(entry: PresenceEntry | undefined): PresenceStatus {
  if (!entry || typeof entry !== 'object') return 'unknown';
  const activity = typeof entry.activity === 'string' ? entry.activity.trim().toLowerCase() : '';
  if (activity === 'dnd') return 'dnd';
  if (activity === 'busy' || activity === 'on-the-phone') return 'busy';
  if (activity !== '') return 'away';
  if (entry.status === 'open') return 'available';
  if (entry.status === 'closed') return 'offline';
  return 'unknown';
}

export function presenceOf(user: string, info: EndpointInfo | undefined, presence: unknown): Presence {
  const list = Array.isArray(presence) ? (presence as PresenceEntry[]) : [];
  const newest = list[0] && typeof list[0] === 'object' ? list[0] : undefined;
  const out: Presence = { user, status: info?.up === false ? 'unknown' : statusOf(newest) };
  if (info?.num) out.num = info.num;
  if (info?.sip) out.sip = info.sip;
  if (info?.dn) out.dn = info.dn;
  const activity = textOf(newest?.activity);
  if (activity !== undefined) out.activity = activity;
  const note = textOf(newest?.note);
  if (note !== undefined) out.note = note;
  out.presence = list;
  return out;
}

/** PresenceState `{up, sip, num, dn}` as kept for the updates that follow. */
export function endpointOf(msg: Record<string, unknown>): EndpointInfo {
  return { sip: textOf(msg.sip), num: textOf(msg.num), dn: textOf(msg.dn), up: typeof msg.up === 'boolean' ? msg.up : undefined };
}

/** A user typed as digits (a phone number) is subscribed by `num`, anything else by `sip`. */
export function presenceTarget(user: string): { sip: string } | { num: string } {
  return /^\+?[0-9*#]+$/.test(user) ? { num: user } : { sip: user };
}
