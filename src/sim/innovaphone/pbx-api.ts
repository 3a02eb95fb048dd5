import type { AppClient, AppMessage } from './app-server';

/** A PBX user as the PbxApi simulator knows it; `presence` newest first, as the PBX sends it. */
export interface SimUser {
  sip: string;
  num: string;
  dn: string;
  email?: string;
  presence: Array<{ contact: string; status: string; activity: string; note: string }>;
}

export interface SimProfile {
  id: number;
  name: string;
  contacts: Array<Record<string, unknown>>;
}

/** What UpdateProfileContact may change in a favourite `{id, name, num, dsp, presence, dialog, ext}`. */
const FAVOURITE_FIELDS = ['name', 'num', 'dsp', 'presence', 'dialog', 'ext'];

type Subscriptions = Map<string, string>; // user sip -> src

function subs(c: AppClient): Subscriptions {
  let s = c.state.get('presence') as Subscriptions | undefined;
  if (!s) c.state.set('presence', (s = new Map()));
  return s;
}

/**
 * PbxApi (seed 000) with state: users with presence, profiles with favourites. Every request
 * gets its `<mt>Result` with the request's `src`; monitors send their updates with the `src`
 * of the subscription, as the doc says.
 */
export class PbxApiSim {
  readonly users = new Map<string, SimUser>();
  readonly profiles: SimProfile[];
  private nextId = 1000;

  constructor(
    users: SimUser[],
    profiles: SimProfile[],
    private readonly clients: () => AppClient[],
  ) {
    for (const u of users) this.users.set(u.sip, { ...u, presence: u.presence.map((p) => ({ ...p })) });
    this.profiles = profiles.map((p) => ({ ...p, contacts: p.contacts.map((c) => ({ ...c })) }));
  }

  /** The users some socket monitors, one entry per subscription. */
  subscriptions(): string[] {
    return this.clients().flatMap((c) => [...subs(c).keys()]);
  }

  /** A presence change on the PBX (a phone, a client or the calendar set it). */
  setPresence(
    sip: string,
    entry: { contact?: string; status?: string; activity?: string; note?: string },
    extra: AppMessage = {},
  ): void {
    const user = this.users.get(sip);
    if (!user) throw new Error(`no user ${sip}`);
    const contact = entry.contact ?? 'tel:';
    const next = { contact, status: entry.status ?? 'open', activity: entry.activity ?? '', note: entry.note ?? '' };
    user.presence = [next, ...user.presence.filter((p) => p.contact !== contact)];
    for (const c of this.clients()) {
      const src = subs(c).get(sip);
      if (src !== undefined) c.send({ api: 'PbxApi', mt: 'PresenceUpdate', src, presence: user.presence, ...extra });
    }
  }

  srcOf(c: AppClient, sip: string): string | undefined {
    return subs(c).get(sip);
  }

  /** Favourite added on the PBX side (another client, the admin). */
  addFavourite(
    contact: { sip?: string; num?: string; dn?: string },
    profileId = this.profiles[0]?.id,
  ): Record<string, unknown> {
    const profile = this.profile(profileId);
    if (!profile) throw new Error(`no profile ${profileId}`);
    const fav = {
      id: this.nextId++,
      name: contact.sip ?? '',
      num: contact.num ?? '',
      dsp: contact.dn ?? '',
      presence: true,
      dialog: false,
    };
    profile.contacts.push(fav);
    this.notifyProfile(profile, 'ProfileContactAdded', fav);
    return fav;
  }

  deleteFavourite(id: number, profileId = this.profiles[0]?.id): void {
    const profile = this.profile(profileId);
    if (!profile) throw new Error(`no profile ${profileId}`);
    profile.contacts = profile.contacts.filter((c) => c.id !== id);
    this.notifyProfile(profile, 'ProfileContactDeleted', { id });
  }

  handle(c: AppClient, msg: AppMessage): void {
    const reply = (fields: AppMessage = {}): void =>
      c.send({ api: 'PbxApi', mt: `${String(msg.mt)}Result`, src: msg.src, ...fields });
    const userOf = (): SimUser | undefined =>
      (typeof msg.sip === 'string' && this.users.get(msg.sip)) ||
      [...this.users.values()].find((u) => msg.num !== undefined && u.num === String(msg.num));
    switch (msg.mt) {
      case 'SubscribePresence': {
        const user = userOf();
        if (!user) return reply({ error: 1, errorText: 'no such user' });
        subs(c).set(user.sip, String(msg.src ?? ''));
        reply();
        c.send({
          api: 'PbxApi',
          mt: 'PresenceState',
          src: msg.src,
          up: true,
          sip: user.sip,
          num: user.num,
          dn: user.dn,
          email: user.email ?? '',
        });
        c.send({ api: 'PbxApi', mt: 'PresenceUpdate', src: msg.src, presence: user.presence });
        return;
      }
      case 'UnsubscribePresence': {
        const user = userOf();
        if (user) subs(c).delete(user.sip);
        return reply();
      }
      case 'SetPresence': {
        const user = typeof msg.sip === 'string' ? this.users.get(msg.sip) : undefined;
        if (!user) return reply({ error: 2, errorText: `user ${String(msg.sip ?? msg.guid)} not found` });
        this.setPresence(user.sip, {
          contact: typeof msg.contact === 'string' && msg.contact ? msg.contact : 'tel:',
          activity: String(msg.activity ?? ''),
          note: String(msg.note ?? ''),
        });
        return reply();
      }
      case 'SubscribeProfile':
        c.state.set('profile', msg.src);
        return reply({ profile: this.profiles[0] ?? { id: 0, name: '', contacts: [] } });
      case 'UnsubscribeProfile':
        c.state.delete('profile');
        return reply();
      case 'AddProfile': {
        const id = this.nextId++;
        this.profiles.push({ id, name: String(msg.name ?? ''), contacts: [] });
        return reply({ id });
      }
      case 'DelProfile': {
        const at = this.profiles.findIndex((p) => p.id === Number(msg.id));
        if (at < 0) return reply({ error: 3, errorText: `profile ${String(msg.id)} not found` });
        this.profiles.splice(at, 1);
        return reply();
      }
      case 'UpdateProfile': {
        const profile = this.profile(Number(msg.id));
        if (!profile) return reply({ error: 3, errorText: `profile ${String(msg.id)} not found` });
        profile.name = String(msg.name ?? profile.name);
        return reply();
      }
      case 'AddProfileContact': {
        let profile = this.profile(Number(msg.id));
        // "If the profile does not exist, it is created."
        if (!profile)
          this.profiles.push(
            (profile = { id: Number(msg.id) || this.nextId++, name: String(msg.name ?? ''), contacts: [] }),
          );
        const contact = (msg.contact ?? {}) as Record<string, unknown>;
        const fav = {
          id: this.nextId++,
          name: String(contact.sip ?? ''),
          num: String(contact.num ?? ''),
          dsp: String(contact.dn ?? ''),
          presence: true,
          dialog: false,
        };
        profile.contacts.push(fav);
        reply({ id: fav.id });
        this.notifyProfile(profile, 'ProfileContactAdded', fav);
        return;
      }
      case 'DelProfileContact':
      case 'UpdateProfileContact': {
        const profile = this.profile(Number(msg.id));
        const contact = (msg.contact ?? {}) as Record<string, unknown>;
        const at = profile ? profile.contacts.findIndex((x) => x.id === Number(contact.id)) : -1;
        if (!profile || at < 0) return reply({ error: 4, errorText: `favourite ${String(contact.id)} not found` });
        if (msg.mt === 'DelProfileContact') {
          profile.contacts.splice(at, 1);
          reply();
          this.notifyProfile(profile, 'ProfileContactDeleted', { id: Number(contact.id) });
        } else {
          // The favourite object's fields only (seed 000): `name` is the SIP URI, `dsp` the display name.
          const next: Record<string, unknown> = { ...profile.contacts[at] };
          for (const k of FAVOURITE_FIELDS) if (contact[k] !== undefined) next[k] = contact[k];
          profile.contacts[at] = next;
          reply();
          this.notifyProfile(profile, 'ProfileContactAdded', profile.contacts[at]);
        }
        return;
      }
      case 'GetNodeInfo':
        return reply({ name: 'root', prefix_intl: '000', prefix_ntl: '00', prefix_subs: '', country_code: '49' });
      default:
        // What a PBX answers to unknown messages is not documented; an error result is the helpful choice.
        return reply({ error: 1, errorText: `unknown message ${String(msg.mt)}` });
    }
  }

  private profile(id: number | undefined): SimProfile | undefined {
    return this.profiles.find((p) => p.id === id);
  }

  private notifyProfile(profile: SimProfile, mt: string, contact: Record<string, unknown>): void {
    // Only the first profile is monitored (SubscribeProfile's doc).
    if (profile !== this.profiles[0]) return;
    for (const c of this.clients()) {
      const src = c.state.get('profile');
      if (src !== undefined) c.send({ api: 'PbxApi', mt, src, profile: { id: profile.id, contact } });
    }
  }
}
