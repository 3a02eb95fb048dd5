import type { ProfileParams } from '../common/operations';
import type { AppMessage } from './app-websocket';

/** PbxApi (seed 000): request builders and the favourites state. */
export const PBX_API = 'PbxApi';

/**
 * The `pbx-profile` actions and the PbxApi request each becomes. Fields come from
 * `msg.payload`; `id` (the profile) defaults to the monitored profile, and a favourite may be
 * given as `contact` or as loose `dn`/`sip`/`num` (and `contactId` for the favourite's id).
 */
export const PROFILE_ACTIONS: Record<string, string> = {
  addContact: 'AddProfileContact',
  deleteContact: 'DelProfileContact',
  updateContact: 'UpdateProfileContact',
  addProfile: 'AddProfile',
  deleteProfile: 'DelProfile',
  renameProfile: 'UpdateProfile',
};

/**
 * The `contact` of AddProfileContact is `{dn, sip, num}` (seed 000). Loose `dn`/`sip`/`num`
 * fields of `msg.payload` make one; a `contact` object goes as given.
 */
function newContactOf(params: ProfileParams): Record<string, unknown> {
  if (params.contact) return { ...params.contact };
  const contact: Record<string, unknown> = {};
  const { dn, sip, num } = params;
  for (const [k, v] of Object.entries({ dn, sip, num })) if (v !== undefined) contact[k] = v;
  return contact;
}

/**
 * UpdateProfileContact's `contact` is a favourite object `{id, name, num, dsp, presence,
 * dialog}` (seed 000), which names the SIP URI `name` and the display name `dsp`. The loose
 * fields a flow uses for addContact (`sip`, `dn`) are renamed to those; `dsp`, `presence` and
 * `dialog` pass as they are. A `contact` object goes as given.
 */
function favouriteOf(params: ProfileParams): Record<string, unknown> {
  if (params.contact) return { ...params.contact };
  const contact: Record<string, unknown> = {};
  if (params.sip !== undefined) contact.name = params.sip;
  if (params.num !== undefined) contact.num = params.num;
  const dsp = params.dsp ?? params.dn;
  if (dsp !== undefined) contact.dsp = dsp;
  if (params.presence !== undefined) contact.presence = params.presence;
  if (params.dialog !== undefined) contact.dialog = params.dialog;
  return contact;
}

/**
 * `current`: the monitored profile, the default for `id` (and its name for addContact). The
 * favourite a delete or update names is `contactId`, else `contact.id` (see `checkProfile`).
 */
export function profileRequest(params: ProfileParams, current?: { id: number; name: string }): AppMessage {
  const currentId = current?.id;
  const { action, contactId } = params;
  const mt = PROFILE_ACTIONS[action];
  if (!mt)
    throw new TypeError(`unknown profile action '${action}' (one of ${Object.keys(PROFILE_ACTIONS).join(', ')})`);
  const id = params.id ?? currentId;
  const need = (v: unknown, name: string): void => {
    if (v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v))) {
      throw new TypeError(`profile action '${action}': property '${name}' is missing in msg.payload`);
    }
  };
  const msg: AppMessage = { api: PBX_API, mt };
  switch (action) {
    case 'addProfile':
      need(params.name, 'name');
      msg.name = params.name;
      return msg;
    case 'deleteProfile':
      need(id, 'id');
      msg.id = id;
      return msg;
    case 'renameProfile':
      need(id, 'id');
      need(params.name, 'name');
      return { ...msg, id, name: params.name };
    case 'addContact': {
      const contact = newContactOf(params);
      if (!contact.sip && !contact.num) need(undefined, 'sip or num');
      // The top-level `name` names the profile, created when it does not exist (seed 000): the
      // monitored profile keeps its own name rather than being sent an empty one.
      const name = params.name ?? (current && id === current.id ? current.name : '');
      return { ...msg, id: id ?? 0, name, contact };
    }
    case 'deleteContact':
      // DelProfileContact's contact is `{id}` only (seed 000).
      need(id, 'id');
      need(contactId, 'contactId');
      return { ...msg, id, contact: { id: contactId } };
    default: {
      const contact = favouriteOf(params);
      need(id, 'id');
      need(contactId, 'contactId');
      contact.id = contactId;
      return { ...msg, id, contact };
    }
  }
}

export interface Favourites {
  id: number;
  name: string;
  contacts: Array<Record<string, unknown>>;
}

/**
 * The monitored (first) profile: SubscribeProfileResult gives it whole, ProfileContactAdded /
 * ProfileContactDeleted change it. Returns whether the message changed it.
 */
export class ProfileState {
  current: Favourites | undefined;

  apply(msg: AppMessage): boolean {
    const p = msg.profile;
    if (!p || typeof p !== 'object') return false;
    const profile = p as Record<string, unknown>;
    if (msg.mt === 'SubscribeProfileResult') {
      this.current = {
        id: Number(profile.id),
        name: String(profile.name ?? ''),
        contacts: Array.isArray(profile.contacts) ? profile.contacts.filter((c) => c && typeof c === 'object') : [],
      };
      return true;
    }
    const contact = profile.contact;
    if (!this.current || !contact || typeof contact !== 'object') return false;
    if (profile.id !== undefined && Number(profile.id) !== this.current.id) return false;
    const c = contact as Record<string, unknown>;
    const others = this.current.contacts.filter((x) => x.id !== c.id);
    if (msg.mt === 'ProfileContactAdded') this.current.contacts = [...others, c];
    else if (msg.mt === 'ProfileContactDeleted') this.current.contacts = others;
    else return false;
    return true;
  }
}
