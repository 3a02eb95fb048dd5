import type { RccMessage } from './messages';
import { textOf } from '../../common/values';

/** One visible user as `UserInfo` describes it [S1-RCC]. */
export interface RccUser {
  cn: string;
  guid?: string;
  dn?: string;
  /** SIP/H.323 name. */
  h323?: string;
  /** Extension number. */
  e164?: string;
  node?: string;
  pbx?: string;
  pseudo?: string;
  /** Hardware ids of the registered devices. */
  hw: string[];
}

export function userOf(msg: RccMessage): RccUser | undefined {
  const cn = textOf(msg.cn);
  if (!cn) return undefined;
  const hw: string[] = [];
  if (Array.isArray(msg.regs)) {
    for (const r of msg.regs) {
      const id = r && typeof r === 'object' ? textOf((r as Record<string, unknown>).hw) : undefined;
      if (id) hw.push(id);
    }
  }
  return {
    cn,
    guid: textOf(msg.guid),
    dn: textOf(msg.dn),
    h323: textOf(msg.h323),
    e164: textOf(msg.e164),
    node: textOf(msg.node),
    pbx: textOf(msg.pbx),
    pseudo: textOf(msg.pseudo),
    hw,
  };
}

/**
 * The users the RCC API shows this App object, kept from `UserInfo` (the initial list before
 * `InitializeResult`, then updates; `update:"del"` removes one). Looked up by long name (cn),
 * SIP name or number, so a flow may name the caller whichever way it knows them.
 */
export class UserTable {
  private readonly byCn = new Map<string, RccUser>();
  private readonly byName = new Map<string, RccUser>();
  private readonly byNumber = new Map<string, RccUser>();

  get size(): number {
    return this.byCn.size;
  }

  /** Applies one UserInfo; returns the user it added, changed or removed. */
  apply(msg: RccMessage): RccUser | undefined {
    const user = userOf(msg);
    if (!user) return undefined;
    const old = this.byCn.get(user.cn);
    if (old) this.unindex(old);
    if (msg.update === 'del') return old ?? user;
    this.byCn.set(user.cn, user);
    this.byName.set(user.cn.toLowerCase(), user);
    // A SIP name never shadows another user's long name.
    if (user.h323 && !this.byName.has(user.h323.toLowerCase())) this.byName.set(user.h323.toLowerCase(), user);
    if (user.e164) this.byNumber.set(user.e164, user);
    return user;
  }

  byCommonName(cn: string): RccUser | undefined {
    return this.byCn.get(cn);
  }

  /** A user by cn, SIP name (both case-insensitive) or extension number. */
  find(name: string): RccUser | undefined {
    const key = name.trim();
    return this.byCn.get(key) ?? this.byName.get(key.toLowerCase()) ?? this.byNumber.get(key);
  }

  /** Names for editor autocomplete of `field` (users, extensions, to, hw). */
  suggestions(field: string): string[] {
    const out = new Set<string>();
    for (const u of this.byCn.values()) {
      if (field === 'users') out.add(u.h323 ?? u.cn);
      else if (field === 'extensions' && u.e164) out.add(u.e164);
      else if (field === 'to') {
        if (u.e164) out.add(u.e164);
        if (u.h323) out.add(u.h323);
      } else if (field === 'hw') for (const hw of u.hw) out.add(hw);
    }
    return [...out];
  }

  clear(): void {
    this.byCn.clear();
    this.byName.clear();
    this.byNumber.clear();
  }

  private unindex(user: RccUser): void {
    this.byCn.delete(user.cn);
    if (this.byName.get(user.cn.toLowerCase()) === user) this.byName.delete(user.cn.toLowerCase());
    if (user.h323 && this.byName.get(user.h323.toLowerCase()) === user) this.byName.delete(user.h323.toLowerCase());
    if (user.e164 && this.byNumber.get(user.e164) === user) this.byNumber.delete(user.e164);
  }
}
