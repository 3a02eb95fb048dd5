import { randomBytes } from 'crypto';
import type { SimCall, SimCallState } from './calls';

/**
 * The simulated Vodia PBX itself, apart from any wire: its accounts and their passwords, and the
 * calls between them with the third-party call control changes. Every change is reported to the
 * listeners; the server turns it into `user-state` / `call-state` frames.
 */

export interface SimAccount {
  account: string;
  name?: string;
  /** `extensions`, `acds`, `hunts`, `attendants`, `conferences`, ... [S11] */
  type?: string;
  /** Accounts with a password can log in. */
  password?: string;
  registered?: boolean;
  dnd?: boolean;
  chatstatus?: string;
}

export const DEFAULT_ACCOUNTS: SimAccount[] = [
  { account: '40', name: 'Operator', password: 'secret', registered: true, dnd: false, chatstatus: 'online' },
  { account: '41', name: 'Alice', registered: true, dnd: false, chatstatus: 'online' },
  { account: '42', name: 'Bob', registered: true, dnd: false, chatstatus: 'offline' },
  { account: '43', name: 'Carol', registered: false, dnd: false, chatstatus: 'offline' },
  { account: '500', name: 'Support queue', type: 'acds' },
];

/** An account as the PBX keeps it: the fields of its `user-state`, without the password. */
export type AccountState = Record<string, unknown> & { account: string };

/**
 * `user`: fields of one account changed (`patch`, the changed fields only).
 * `calls`: the call list changed; `parties` are the accounts whose own calls changed.
 */
export type PbxChange =
  { kind: 'user'; account: AccountState; patch: Record<string, unknown> } | { kind: 'calls'; parties: string[] };

export interface NewCall {
  from: string;
  to: string;
  fromName?: string;
  toName?: string;
  id?: string;
  state?: SimCallState;
}

export class VodiaPbx {
  private readonly accounts = new Map<string, AccountState>();
  private readonly passwords = new Map<string, string>();
  private readonly calls = new Map<string, SimCall>();
  private readonly listeners = new Set<(change: PbxChange) => void>();
  private callSeq = 0;

  constructor(accounts: SimAccount[]) {
    for (const a of accounts) {
      const { password, ...rest } = a;
      this.accounts.set(a.account, { type: 'extensions', ...rest });
      if (password !== undefined) this.passwords.set(a.account, password);
    }
  }

  on(listener: (change: PbxChange) => void): void {
    this.listeners.add(listener);
  }

  // ---- accounts -------------------------------------------------------------------------

  has(account: string): boolean {
    return this.accounts.has(account);
  }

  /** A copy of the account's state. */
  account(account: string): AccountState | undefined {
    const a = this.accounts.get(account);
    return a && { ...a };
  }

  /** Every account, as kept (for rendering only). */
  allAccounts(): Iterable<AccountState> {
    return this.accounts.values();
  }

  /** Undefined for an account that cannot log in. */
  passwordOf(account: string): string | undefined {
    return this.passwords.get(account);
  }

  nameOf(account: string): string | undefined {
    const name = this.accounts.get(account)?.name;
    return typeof name === 'string' ? name : undefined;
  }

  /** Changes an account, creating an extension when it is new. */
  setUser(account: string, patch: Record<string, unknown>): void {
    let a = this.accounts.get(account);
    if (!a) this.accounts.set(account, (a = { account, type: 'extensions' }));
    Object.assign(a, patch);
    this.emit({ kind: 'user', account: a, patch });
  }

  // ---- calls ----------------------------------------------------------------------------

  /** Every call, as kept (for rendering only). */
  allCalls(): Iterable<SimCall> {
    return this.calls.values();
  }

  /** Copies of every call. */
  activeCalls(): SimCall[] {
    return [...this.calls.values()].map((c) => ({ ...c }));
  }

  hasCall(id: string): boolean {
    return this.calls.has(id);
  }

  /** The calls of one account, as `user-state` lists them. */
  accountCalls(account: string): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const c of this.calls.values())
      if (c.from === account || c.to === account) out.push({ id: c.id, from: c.from, to: c.to });
    return out;
  }

  /** A call appears, ringing (or in `state`); returns its id. */
  startCall(c: NewCall): string {
    const id = c.id ?? `${(++this.callSeq).toString(16).padStart(4, '0')}${randomBytes(3).toString('hex')}`;
    const call: SimCall = {
      id,
      from: c.from,
      to: c.to,
      fromName: c.fromName ?? this.nameOf(c.from),
      toName: c.toName ?? this.nameOf(c.to),
      state: c.state ?? 'ringing',
      recording: false,
      start: Math.floor(Date.now() / 1000),
    };
    this.calls.set(id, call);
    this.callsChanged([call.from, call.to]);
    return id;
  }

  setCallState(id: string, state: SimCallState): void {
    const c = this.calls.get(id);
    if (!c || c.state === state) return;
    c.state = state;
    this.callsChanged([]);
  }

  endCall(id: string): void {
    const c = this.calls.get(id);
    if (!c) return;
    this.calls.delete(id);
    this.callsChanged([c.from, c.to]);
  }

  /** `accept-call`: only a ringing call is answered. */
  accept(id: string): void {
    if (this.calls.get(id)?.state === 'ringing') this.setCallState(id, 'connected');
  }

  /** `hold-call` toggles: a held call is resumed. */
  toggleHold(id: string): void {
    const call = this.calls.get(id);
    if (call) this.setCallState(id, call.state === 'held' ? 'connected' : 'held');
  }

  /** Blind transfer: `from` leaves, `to` rings in its place. */
  blindTransfer(id: string, from: string, to: string): void {
    const call = this.calls.get(id);
    if (call) this.transfer(call, from, to, 'ringing');
  }

  /** Attended transfer: the consultation call `id2` goes, `to` is connected in `from`'s place. */
  attendedTransfer(id: string, id2: string, from: string, to: string): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id2);
    this.transfer(call, from, to, 'connected');
  }

  setRecording(id: string, on: boolean): void {
    const call = this.calls.get(id);
    if (!call) return;
    call.recording = on;
    this.callsChanged([]);
  }

  /** The transferring party leaves; the target takes its side of the call. */
  private transfer(call: SimCall, from: string, to: string, state: SimCallState): void {
    const before = [call.from, call.to];
    if (call.from === from) {
      call.from = to;
      call.fromName = this.nameOf(to);
    } else {
      call.to = to;
      call.toName = this.nameOf(to);
    }
    call.state = state;
    this.callsChanged([...before, to]);
  }

  private callsChanged(parties: string[]): void {
    this.emit({ kind: 'calls', parties });
  }

  private emit(change: PbxChange): void {
    for (const l of this.listeners) l(change);
  }
}
