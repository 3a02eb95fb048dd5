import type { Presence, PresenceStatus } from '../../model/types';
import { textOf } from '../common/values';

/**
 * innovaphone presence -> the normalized presence. A PresenceUpdate's `presence` list holds one
 * item per contact of the person (PbxApi doc; a live PBX's list in the tests of the public Go
 * myApps client ricoschulte/go-myapps: `[{"contact":"tel:","activity":"busy","status":"closed"},
 * {"contact":"im:","activity":"","status":"open"}]`), and apps post items of their own
 * (`contact: "app:..."`, a `note` such as `#badge:3`, no activity). So the list is not a
 * history: its first item need not be the person's. The status comes from the phone (`tel:`)
 * item, else from the person's other items in list order (newest first); app items never
 * decide it; `activity` and `note` come from the item that decided:
 *
 * | deciding item                        | status      |
 * |--------------------------------------|-------------|
 * | activity `dnd`                       | `dnd`       |
 * | activity `busy`, `on-the-phone`      | `busy`      |
 * | activity `away` or any other text    | `away`      |
 * |   (lunch, vacation, ... are absences: inferred from the C++ PbxApi doc's examples) |
 * | activity `""`, status `open`         | `available` |
 * | activity `""`, status `closed`       | `offline`   |
 * | no such item, or a monitor that is down | `unknown` |
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

/** An item about the person's phone, and one an app posted; an item without a contact is the person's (older firmware sends none). */
const PHONE_ITEM = /^\s*tel:/i;
const APP_ITEM = /^\s*app:/i;

/**
 * The item that decides the status: the phone's, else the person's first non-app item. One pass
 * without copies: it runs for every presence report.
 */
export function decidingEntry(list: readonly unknown[]): PresenceEntry | undefined {
  let first: PresenceEntry | undefined;
  for (const item of list) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    const entry = item as PresenceEntry;
    const contact = typeof entry.contact === 'string' ? entry.contact : '';
    if (APP_ITEM.test(contact)) continue;
    if (PHONE_ITEM.test(contact)) return entry;
    first ??= entry;
  }
  return first;
}

export function presenceOf(user: string, info: EndpointInfo | undefined, presence: unknown): Presence {
  const list = Array.isArray(presence) ? (presence as unknown[]) : [];
  const decides = decidingEntry(list);
  const out: Presence = { user, status: info?.up === false ? 'unknown' : statusOf(decides) };
  if (info?.num) out.num = info.num;
  if (info?.sip) out.sip = info.sip;
  if (info?.dn) out.dn = info.dn;
  const activity = textOf(decides?.activity);
  if (activity !== undefined) out.activity = activity;
  const note = textOf(decides?.note);
  if (note !== undefined) out.note = note;
  out.presence = list as PresenceEntry[];
  return out;
}

/** PresenceState `{up, sip, num, dn}` as kept for the updates that follow. */
export function endpointOf(msg: Record<string, unknown>): EndpointInfo {
  return {
    sip: textOf(msg.sip),
    num: textOf(msg.num),
    dn: textOf(msg.dn),
    up: typeof msg.up === 'boolean' ? msg.up : undefined,
  };
}

/** A user typed as digits (a phone number) is subscribed by `num`, anything else by `sip`. */
export function presenceTarget(user: string): { sip: string } | { num: string } {
  return /^\+?[0-9*#]+$/.test(user) ? { num: user } : { sip: user };
}
