import type { Blf, Call, Contact, PbxMessage, PbxUser, Presence, StateKind } from '../model/types';

export type { PbxUser } from '../model/types';

/**
 * A phone book as the connection sees it (`pbx-directory` plugs in here). Answers from memory
 * only: the event path never waits on a source.
 */
export interface ContactFinder {
  find(number: string): Contact | undefined;
  /** Tells `fn` when its contacts change (a source loaded, reloaded or failed); returns the function that stops it. */
  onChange?(fn: () => void): () => void;
}

/** Names are text from outside (anyone can send a SIP display name): a sane length at most. */
export const MAX_NAME_LENGTH = 100;
// C0 and C1 control characters (newlines and tabs too: a name is one line); matching them is the point.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;
/** Only what a dialled number is written with: such a "name" is a number, not a name. */
const NUMBER_LIKE = /^[\d\s+()./-]+$/;
const URI = /^(?:sips?|tel):/i;

function withoutControls(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, '') : text;
}

/**
 * Text from outside (a name, a phone book's group) as one clean line: control characters
 * removed, cut at MAX_NAME_LENGTH (an emoji at the edge goes whole), trimmed. Allocates only for
 * a text that needs cleaning.
 */
export function cleanText(text: string): string {
  let clean = withoutControls(text);
  if (clean.length > MAX_NAME_LENGTH) clean = cutAt(clean, MAX_NAME_LENGTH);
  if (clean.charCodeAt(0) <= 32 || clean.charCodeAt(clean.length - 1) <= 32) clean = clean.trim();
  return clean;
}

/**
 * A name as the PBX or a phone book gave it, made safe to show (`cleanText`), or `undefined` when
 * it is no name (NODES.md "Who"): empty, `null`, equal to the party's number (onlinePBX sends
 * `caller_name: "204"`), a number of the same digits, a SIP URI or the bare user part of the
 * party's SIP address is no name. Allocates only for a name that needs cleaning.
 */
export function cleanName(name: unknown, number?: string): string | undefined {
  if (typeof name !== 'string' || name === '' || name === number) return undefined;
  const text = cleanText(name);
  if (text === '' || text === number || URI.test(text)) return undefined;
  if (number !== undefined && (sameDigits(text, number) || text === sipUser(number))) return undefined;
  return text;
}

/** Cuts without splitting a surrogate pair (an emoji at the edge goes whole). */
function cutAt(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

function sameDigits(name: string, number: string): boolean {
  return NUMBER_LIKE.test(name) && name.replace(/\D/g, '') === number.replace(/\D/g, '');
}

/** `alice` of `sip:alice@example.com`, `"Alice" <sip:alice@dom>` or `alice@dom`; undefined for a plain number. */
function sipUser(address: string): string | undefined {
  const at = address.indexOf('@');
  if (at < 0) return undefined;
  const colon = address.lastIndexOf(':', at);
  return address.slice(colon + 1, at);
}

/**
 * The one place that names the parties of every call, lamp and record of a connection, in the
 * contract's order (NODES.md "Who"): the phone book's contact, then the name the PBX sent for that
 * party in this report (the adapters put it in the payload: `fromName`, `toName`, `otherPartyName`,
 * presence `dn`), then the PBX's own name for the number (the user names the adapters `learn`),
 * then none. Adapters and nodes never decide this order themselves.
 */
export class PartyNames {
  private finder: ContactFinder | undefined;
  private stopFinder: (() => void) | undefined;
  private readonly pbxNames = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private readonly nameListeners = new Set<() => void>();

  /**
   * Attaches a phone book (or detaches it with `undefined`). A phone book loads after the deploy
   * and changes later (a file saved, a CardDAV sync): each change is a change of names.
   */
  useDirectory(finder: ContactFinder | undefined): void {
    this.stopFinder?.();
    this.finder = finder;
    this.stopFinder = finder?.onChange?.(() => tell(this.nameListeners));
  }

  /** The phone book's contact for a number, if a directory is attached and knows it. */
  contactOf(number: string): Contact | undefined {
    return this.finder?.find(number);
  }

  /** The best name for a number: the phone book's, else the PBX's own user name. */
  nameOf(number: string): string | undefined {
    return this.contactOf(number)?.name ?? this.pbxNames.get(number);
  }

  /**
   * What the PBX says its users are called (adapters report them through the connection):
   * adds or replaces the name of each number, and tells the listeners when any changed. A name
   * that is no name (see cleanName) is skipped.
   */
  learn(users: readonly PbxUser[]): void {
    let changed = false;
    for (const user of users) {
      const number = user.number;
      const name = number ? cleanName(user.name, number) : undefined;
      if (!number || !name || this.pbxNames.get(number) === name) continue;
      this.pbxNames.set(number, name);
      changed = true;
    }
    if (changed) {
      tell(this.listeners);
      tell(this.nameListeners);
    }
  }

  /** The PBX's own users, as the PBX names them (the `pbx` phone book source reads these). */
  users(): PbxUser[] {
    return [...this.pbxNames].map(([number, name]) => ({ number, name }));
  }

  /**
   * Tells `fn` when the PBX's user names change; returns the function that stops it. (The
   * phone book's `pbx` source listens here: a phone book change must not come back to it.)
   */
  onUsersChanged(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Tells `fn` when `nameOf` may answer differently: the PBX's user names or the phone book
   * changed (the connection listens here and batches it: what shows names by key, the wallboard
   * and the Home Assistant sensors, listens to `PbxConnection.onNamesChanged`); returns the
   * function that stops it.
   */
  onNamesChanged(fn: () => void): () => void {
    this.nameListeners.add(fn);
    return () => this.nameListeners.delete(fn);
  }

  /**
   * Names the parties of a presence, BLF or call report (or snapshot) in place, before the state
   * store takes it. A party without a number keeps only a clean name the PBX sent. Nothing is
   * allocated for a report that names nobody.
   */
  fill(channel: StateKind, message: PbxMessage): void {
    const payload = message.payload;
    if (payload === null || typeof payload !== 'object') return;
    if (channel === 'call') this.fillCall(payload as Call);
    else if (channel === 'blf') this.fillBlf(payload as Blf);
    else this.fillPresence(payload as Presence);
  }

  /**
   * A copy of a stored presence or BLF payload named again (after `onNamesChanged`), or
   * `undefined` when its names stay the same.
   */
  renamed(channel: 'presence' | 'blf', payload: object): object | undefined {
    const copy = { ...payload } as Record<string, unknown>;
    if (channel === 'presence') this.fillPresence(copy as unknown as Presence);
    else this.fillBlf(copy as unknown as Blf);
    const before = payload as Record<string, unknown>;
    const same = RENAMED_FIELDS[channel].every((f) => JSON.stringify(before[f]) === JSON.stringify(copy[f]));
    return same ? undefined : copy;
  }

  private fillCall(call: Call): void {
    if (call.from !== undefined || call.fromName !== undefined) {
      const contact = call.from === undefined ? undefined : this.finder?.find(call.from);
      if (contact) call.fromContact = contact;
      setName(call, 'fromName', contact?.name ?? this.pbxName(call.fromName, call.from));
    }
    if (call.to !== undefined || call.toName !== undefined) {
      const contact = call.to === undefined ? undefined : this.finder?.find(call.to);
      if (contact) call.toContact = contact;
      setName(call, 'toName', contact?.name ?? this.pbxName(call.toName, call.to));
    }
  }

  private fillBlf(blf: Blf): void {
    if (blf.otherParty === undefined && blf.otherPartyName === undefined) return;
    const contact = blf.otherParty === undefined ? undefined : this.finder?.find(blf.otherParty);
    if (contact) blf.otherPartyContact = contact;
    setName(blf, 'otherPartyName', contact?.name ?? this.pbxName(blf.otherPartyName, blf.otherParty));
  }

  /** Presence `dn`: the phone book's name for the user's number, else the PBX's. */
  private fillPresence(presence: Presence): void {
    const number = presence.num ?? presence.user;
    if (number === undefined) return;
    const name = this.finder?.find(number)?.name ?? this.pbxName(presence.dn, number, presence.user);
    setName(presence, 'dn', name);
  }

  /** The name the PBX sent in this report, else the name it gave the number as one of its users. */
  private pbxName(sent: unknown, number: string | undefined, alias?: string): string | undefined {
    if (sent !== undefined) {
      const name = cleanName(sent, number);
      if (name !== undefined && (alias === undefined || name !== alias)) return name;
    }
    if (number === undefined || this.pbxNames.size === 0) return undefined;
    return this.pbxNames.get(number) ?? (alias === undefined ? undefined : this.pbxNames.get(alias));
  }
}

/** The fields `fill` names, per kind that the store keeps while the names change. */
const RENAMED_FIELDS = { presence: ['dn'], blf: ['otherPartyName', 'otherPartyContact'] } as const;

function tell(listeners: ReadonlySet<() => void>): void {
  for (const fn of listeners) fn();
}

/** Sets or removes a name field; touches the payload only when it changes. */
function setName<T extends object, K extends keyof T>(payload: T, field: K, name: string | undefined): void {
  if (payload[field] === name) return;
  if (name === undefined) delete payload[field];
  else payload[field] = name as T[K];
}
