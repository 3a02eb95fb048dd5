import { callOf, type VodiaAccount, type VodiaCall } from './normalize';

/**
 * The accounts table: replaced by `domain-state.accounts`, patched by `user-state` [S11]. It
 * lives as long as the adapter, so a reconnect compares the new snapshot with the old one.
 */
export class AccountTable {
  private readonly accounts = new Map<string, VodiaAccount>();

  get(account: string): VodiaAccount | undefined {
    return this.accounts.get(account);
  }

  has(account: string): boolean {
    return this.accounts.has(account);
  }

  all(): IterableIterator<VodiaAccount> {
    return this.accounts.values();
  }

  names(): string[] {
    return [...this.accounts.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  }

  /** `domain-state.accounts`: the new complete table; entries without `account` are skipped. */
  replace(list: unknown): VodiaAccount[] {
    this.accounts.clear();
    const out: VodiaAccount[] = [];
    if (!Array.isArray(list)) return out;
    for (const entry of list) {
      const account = accountKey(entry);
      if (account === undefined) continue;
      const a = { ...(entry as Record<string, unknown>), account } as VodiaAccount;
      this.accounts.set(account, a);
      out.push(a);
    }
    return out;
  }

  /**
   * `user-state`: a partial patch of one account; every field it carries overwrites, the rest
   * stays. An account not seen before is added (a PBX may send user-state before domain-state).
   */
  patch(frame: Record<string, unknown>): VodiaAccount | undefined {
    const account = accountKey(frame);
    if (account === undefined) return undefined;
    let a = this.accounts.get(account);
    if (!a) this.accounts.set(account, (a = { account }));
    for (const k in frame) if (k !== 'action' && k !== 'account') a[k] = frame[k];
    return a;
  }
}

function accountKey(entry: unknown): string | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const v = (entry as Record<string, unknown>).account;
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v ? v : undefined;
}

/**
 * Active calls by id. A `calls` array (or an object keyed by call id) is the complete list:
 * a call missing from it has ended. A `calls` object that is itself one call (it has an `id`,
 * as in the excerpt's example) updates that call only. Which of the two a real PBX sends for
 * `own-calls` versus `domain-calls` is not documented; we subscribe to `domain-calls`, whose
 * lists are tenant-wide, so treating a list as complete does not end calls we still see.
 */
export class CallTable {
  private readonly calls = new Map<string, VodiaCall>();

  constructor(
    private readonly own: string,
    private readonly isLocal: (n: string) => boolean,
  ) {}

  values(): IterableIterator<VodiaCall> {
    return this.calls.values();
  }

  get(id: string): VodiaCall | undefined {
    return this.calls.get(id);
  }

  /**
   * Applies a `calls` field; returns the calls that are new or changed (ended ones as `ended`).
   * The parties of every changed call, before and after, go into `touched`: their lamps may
   * have changed.
   */
  apply(field: unknown, touched: Set<string>): VodiaCall[] {
    const out: VodiaCall[] = [];
    if (field && typeof field === 'object' && !Array.isArray(field)) {
      const obj = field as Record<string, unknown>;
      if (obj.id !== undefined || obj.callid !== undefined) {
        const call = callOf(obj, this.own, this.isLocal);
        if (call) this.put(call, touched, out);
        return out;
      }
    }
    // An absent `calls` says nothing; null or empty means idle [S10].
    if (field === undefined) return out;
    const list = Array.isArray(field) ? field : field && typeof field === 'object' ? Object.values(field) : [];
    const seen = new Set<string>();
    for (const raw of list) {
      const call = callOf(raw, this.own, this.isLocal);
      if (!call) continue;
      seen.add(call.callId);
      this.put(call, touched, out);
    }
    for (const [id, call] of this.calls) {
      if (seen.has(id)) continue;
      this.calls.delete(id);
      for (const p of call.parties) touched.add(p);
      out.push({ ...call, state: 'ended' });
    }
    return out;
  }

  /** Stores `call`; adds it to `out` when it is new, changed state or changed parties (a transfer). */
  private put(call: VodiaCall, touched: Set<string>, out: VodiaCall[]): void {
    const before = this.calls.get(call.callId);
    let changed: boolean;
    if (call.state === 'ended') {
      this.calls.delete(call.callId);
      changed = !!before;
    } else {
      this.calls.set(call.callId, call);
      changed = !before || before.state !== call.state || before.from !== call.from || before.to !== call.to;
    }
    if (!changed) return;
    if (before) for (const p of before.parties) touched.add(p);
    for (const p of call.parties) touched.add(p);
    out.push(call);
  }
}
