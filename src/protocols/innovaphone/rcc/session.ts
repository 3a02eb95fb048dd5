import type { OperationResult } from '../../common/adapter';
import { DisconnectedError, PbxRequestError, TimeoutError, errorText } from '../../common/errors';
import type { CallControlParams, MakeCallParams } from '../../common/operations';
import { integerOf } from '../../common/values';
import { controlCall, type CallControlLink } from './call-control';
import { CallReports } from './call-reports';
import { CallTable } from './calls';
import {
  destinationOf,
  failure,
  handleIn,
  handleOf,
  initialize,
  userCall,
  userInitialize,
  userPickup,
  type RccMessage,
} from './messages';
import type { RccPhase, RccSessionOptions, UserKey } from './session-types';
import { UserTable } from './users';

export { RCC_ACTIONS } from './call-control';

const VENDOR = 'innovaphone';
/** CallInfo frames held back while the UserInitialize they belong to has not answered yet. */
const MAX_HELD_BACK = 1000;

function within<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  if (ms <= 0) return Promise.reject(new TimeoutError(`${label}: no answer in time`));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${label}: no answer within ${Math.round(ms / 100) / 10} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Call monitoring and control over the RCC API on an App-object AppWebsocket connection.
 *
 * - `Initialize {calls:true}` (on first use, then after every reconnect) lists the visible users
 *   (`UserInfo`) and every PBX call (`CallAdd`/`CallUpdate`/`CallDel`).
 * - A user who makes or controls a call gets one `UserInitialize`; its handle is kept for this
 *   socket, its calls come as `CallInfo`, and it is initialized again after a reconnect.
 * - Both call sources feed one table; state changes go out on the `call` channel.
 * - After a reconnect the table is rebuilt from what the PBX lists again, and calls it no
 *   longer lists are reported `ended`.
 */
export class RccSession {
  private readonly users = new UserTable();
  private readonly calls: CallTable;
  private readonly initializeTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly settleMs: number;
  private readonly legWaitMs: number;
  private phase: RccPhase = { name: 'offline', socket: 0, used: false };
  /** User handles on this socket, by cn and device. */
  private readonly handles = new Map<string, Promise<number>>();
  /** cn of each user handle on this socket. */
  private readonly owners = new Map<number, string>();
  /** Users that made or controlled calls: initialized again after every reconnect. */
  private readonly controlled = new Map<string, UserKey>();
  private initsPending = 0;
  private heldBack: RccMessage[] = [];
  private readonly legWaiters = new Map<string, Array<() => void>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly reports: CallReports;
  private readonly control: CallControlLink;

  constructor(private readonly opts: RccSessionOptions) {
    this.calls = new CallTable((cn) => {
      const u = this.users.byCommonName(cn);
      return u?.e164 ?? u?.h323;
    });
    this.initializeTimeoutMs = opts.initializeTimeoutMs ?? 60000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10000;
    this.settleMs = opts.settleMs ?? 200;
    this.legWaitMs = opts.legWaitMs ?? 1000;
    this.reports = new CallReports(this.calls, opts.events);
    this.control = {
      calls: this.calls,
      started: (deadline) => this.started(deadline),
      callHandle: (callId, deadline) => this.callHandle(callId, deadline),
      destination: (to) => this.destination(to),
      pickupRequest: (callId, params, deadline) => this.pickupRequest(callId, params, deadline),
      request: (msg, deadline) => this.request(msg, deadline),
    };
  }

  /** The socket is logged in. Restarts RCC (and restores calls) when it was in use before. */
  connected(): void {
    const phase = this.phase;
    if (phase.name === 'offline') this.phase = { name: 'online', socket: phase.socket, used: phase.used };
    if (this.phase.name === 'online' && !this.phase.used) return;
    this.start().catch((err: unknown) =>
      this.opts.events.log('warn', `innovaphone RCC: not available after reconnect: ${errorText(err)}`),
    );
  }

  /** The socket is gone: handles die with it; calls wait, stale, for the next connect. */
  disconnected(): void {
    this.reports.flush();
    const phase = this.phase;
    const used = phase.name === 'offline' || phase.name === 'online' ? phase.used : true;
    this.phase = { name: 'offline', socket: phase.socket + 1, used };
    this.handles.clear();
    this.owners.clear();
    this.heldBack = [];
    this.initsPending = 0;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    this.calls.suspend();
    for (const waiters of this.legWaiters.values()) for (const w of waiters) w();
    this.legWaiters.clear();
  }

  /** A `call` channel interest: starts RCC; rejects (shown on the node) when RCC is unavailable. */
  async watchCalls(): Promise<void> {
    await this.start();
  }

  /** RCC runs on this socket (its Initialize succeeded): it is the source of call events. */
  get available(): boolean {
    return this.phase.name === 'running';
  }

  /** How long the Initialize now out has been waiting; undefined when none is. */
  initializingFor(): number | undefined {
    return this.phase.name === 'initializing' ? Date.now() - this.phase.sentAt : undefined;
  }

  /** Every `"api":"RCC"` frame from the PBX. Results are ignored here (the request gets them). */
  handle(msg: RccMessage): void {
    switch (msg.mt) {
      case 'UserInfo':
        this.onUserInfo(msg);
        return;
      case 'CallInfo':
        this.onCallInfo(msg);
        return;
      case 'CallAdd': {
        // CallAdd names the user but not the other party; the CallUpdate that follows does.
        const { payload } = this.calls.applyCallAdd(msg);
        if (payload) this.reports.reportLater(payload, msg);
        return;
      }
      case 'CallUpdate':
        this.reports.report(this.calls.applyCallUpdate(msg).payload, msg);
        return;
      // The Initialize text calls it CallDelete, the message list CallDel [S8-RCC]; both are seen.
      case 'CallDel':
      case 'CallDelete':
        this.reports.report(this.calls.applyCallDel(msg).payload, msg);
        return;
      default:
    }
  }

  /** Names for editor autocomplete, from the user table once RCC runs. */
  suggestions(field: string): string[] {
    return this.users.suggestions(field);
  }

  /**
   * UserCall on behalf of `from` (cn, SIP name or number of a visible user): the PBX rings that
   * user's phone first, then calls `to`. Resolves with the call id as soon as the PBX accepted.
   */
  async makeCall(params: MakeCallParams, timeoutMs: number): Promise<OperationResult> {
    const deadline = Date.now() + timeoutMs;
    const { from, to, hw, srce164, ftyNoCF, audio, rc } = params;
    if (!from) throw new TypeError('make call: "from" (the user whose phone rings first) is required');
    if (!to) throw new TypeError('make call: "to" (the number or name to call) is required');
    await this.started(deadline);
    const cn = this.users.find(from)?.cn ?? from;
    const user = await this.userHandle({ cn, hw }, deadline - Date.now());
    const dest = destinationOf(to, (name) => !!this.users.byCommonName(name));
    this.calls.beginOriginate(user, to);
    let res: RccMessage;
    try {
      res = await this.request(userCall(user, dest, { srce164, ftyNoCF, audio, rc }), deadline);
    } catch (err) {
      this.calls.endOriginate(user, to, undefined);
      throw err;
    }
    const call = handleIn(res, 'call');
    if (call === undefined) {
      this.calls.endOriginate(user, to, undefined);
      throw new PbxRequestError(
        `innovaphone RCC UserCall from ${from} to ${to}: ${failure(res) ?? 'the PBX gave no call'}`,
        res,
      );
    }
    this.calls.endOriginate(user, to, call);
    return { payload: { callId: this.calls.callIdOfHandle(call) ?? String(call), from, to, user: cn }, raw: res };
  }

  /** A call control action (see `call-control.ts`). */
  callControl(params: CallControlParams, timeoutMs: number): Promise<OperationResult> {
    return controlCall(this.control, params, timeoutMs);
  }

  private async pickupRequest(callId: string, params: CallControlParams, deadline: number): Promise<RccMessage> {
    const by = params.user ?? params.to;
    if (!by) throw new TypeError('pickup: payload.user (who picks the call up) is required');
    const user = await this.userHandle({ cn: this.users.find(by)?.cn ?? by }, deadline - Date.now());
    const ids = this.calls.idsOf(callId);
    if (ids && ids.handle !== undefined) return userPickup(user, ids.handle);
    // A call seen only in the PBX-wide list: picked by the long name of the user it rings at.
    if (ids && ids.cn) return userPickup(user, undefined, ids.cn);
    return userPickup(user, handleOf(callId, 'callId'));
  }

  private destination(to: string) {
    return destinationOf(to, (name) => !!this.users.byCommonName(name));
  }

  private started(deadline: number): Promise<RccMessage> {
    return within(this.start(), deadline - Date.now(), 'innovaphone RCC Initialize');
  }

  /** Starts RCC on this socket once; the promise resolves with `InitializeResult`. */
  private start(): Promise<RccMessage> {
    const phase = this.phase;
    if (phase.name === 'offline') return Promise.reject(new DisconnectedError('innovaphone: not connected to the PBX'));
    if (phase.name !== 'online') return phase.ready;
    const socket = phase.socket;
    this.users.clear();
    const sentAt = Date.now();
    const ready: Promise<RccMessage> = this.opts
      .request(initialize({ calls: true }), this.initializeTimeoutMs)
      .then((res) => {
        const err = failure(res);
        if (err) throw new PbxRequestError(`${VENDOR} RCC Initialize: ${err} (is RCC granted on the App object?)`, res);
        if (socket === this.phase.socket) {
          this.phase = { name: 'running', socket, ready };
          void this.restore(socket, res);
        }
        return res;
      });
    this.phase = { name: 'initializing', socket, ready, sentAt };
    ready.catch(() => {
      // Tried again on next use, not kept as a failure for the socket's lifetime.
      if (socket === this.phase.socket) this.phase = { name: 'online', socket, used: true };
    });
    return ready;
  }

  /** Initializes the controlled users again, then ends the calls the PBX no longer lists. */
  private async restore(socket: number, initResult: RccMessage): Promise<void> {
    await Promise.all(
      [...this.controlled.values()].map((key) =>
        this.userHandle(key, this.requestTimeoutMs).catch((err: unknown) => {
          this.opts.events.log('warn', `innovaphone RCC: could not monitor ${key.cn} again: ${errorText(err)}`);
        }),
      ),
    );
    if (socket !== this.phase.socket) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      if (socket !== this.phase.socket) return;
      // The legs listed again are confirmed (no longer stale) first, so by the time a swept
      // call's record goes out, what the store says of the others is true again.
      for (const payload of this.calls.listed()) this.reports.confirm(payload, initResult);
      for (const payload of this.calls.sweep()) this.reports.report(payload, initResult, true);
    }, this.settleMs);
  }

  private userHandle(key: UserKey, timeoutMs: number): Promise<number> {
    const id = `${key.cn}\n${key.hw ?? ''}`;
    let p = this.handles.get(id);
    if (p) return within(p, timeoutMs, `innovaphone RCC UserInitialize ${key.cn}`);
    const socket = this.phase.socket;
    this.initsPending++;
    p = this.opts
      .request(userInitialize(key.cn, { hw: key.hw }), Math.max(timeoutMs, 1))
      .then((res) => {
        if (socket !== this.phase.socket)
          throw new DisconnectedError('innovaphone: connection lost during UserInitialize');
        const user = handleIn(res, 'user');
        if (user === undefined) {
          const why = failure(res) ?? 'no such user, or not visible to the App object';
          throw new PbxRequestError(`${VENDOR} RCC UserInitialize ${key.cn}: ${why}`, res);
        }
        this.owners.set(user, key.cn);
        this.controlled.set(id, key);
        return user;
      })
      .finally(() => {
        if (socket !== this.phase.socket) return;
        this.initsPending--;
        this.releaseHeldBack();
      });
    this.handles.set(id, p);
    p.catch(() => {
      if (this.handles.get(id) === p) this.handles.delete(id);
    });
    return p;
  }

  /**
   * The CallInfo handle of a call, for User* requests. A call known only from the PBX-wide list
   * has none until its user is initialized; the CallInfo that follows brings it. Without one
   * in time, its CallAdd id is used (the same id space, if the PBX shares one).
   */
  private async callHandle(callId: string, deadline: number): Promise<number> {
    const ids = this.calls.idsOf(callId);
    if (!ids) return handleOf(callId, 'callId');
    if (ids.handle !== undefined) return ids.handle;
    if (ids.cn) {
      await this.userHandle({ cn: ids.cn }, deadline - Date.now());
      const now = this.calls.idsOf(callId);
      if (now?.handle !== undefined) return now.handle;
      const socket = this.phase.socket;
      await this.waitForLeg(callId, Math.min(this.legWaitMs, deadline - Date.now()));
      if (socket !== this.phase.socket) throw new DisconnectedError('innovaphone: connection lost during call control');
    }
    const later = this.calls.idsOf(callId);
    if (later?.handle !== undefined) return later.handle;
    if (later?.addId !== undefined) return later.addId;
    throw new PbxRequestError(`${VENDOR} RCC: call ${callId} is no longer known to the PBX`);
  }

  private waitForLeg(callId: string, ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const list = this.legWaiters.get(callId) ?? [];
      list.push(done);
      this.legWaiters.set(callId, list);
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private async request(msg: RccMessage, deadline: number): Promise<RccMessage> {
    const ms = deadline - Date.now();
    if (ms <= 0) throw new TimeoutError(`${VENDOR} RCC ${String(msg.mt)}: no time left`);
    return this.opts.request(msg, ms);
  }

  private onUserInfo(msg: RccMessage): void {
    const user = this.users.apply(msg);
    if (!user) return;
    if (msg.update !== 'del') {
      // Keyed like the calls name a user (number, else SIP name, else cn); dn before cn [S1-RCC].
      const number = user.e164 ?? user.h323 ?? user.cn;
      this.opts.events.users([{ number, name: user.dn ?? user.cn }]);
      return;
    }
    // A deleted user's handle is void; it is not initialized again after a reconnect.
    for (const [id, key] of this.controlled) {
      if (key.cn !== user.cn) continue;
      this.controlled.delete(id);
      this.handles.delete(id);
    }
  }

  private onCallInfo(msg: RccMessage): void {
    const user = integerOf(msg.user);
    const cn = user === undefined ? undefined : this.owners.get(user);
    if (cn === undefined && this.initsPending > 0) {
      // The frames after a UserInitializeResult can be read before its promise settles.
      if (this.heldBack.length < MAX_HELD_BACK) this.heldBack.push(msg);
      return;
    }
    this.applyCallInfo(msg, cn, user);
  }

  private applyCallInfo(msg: RccMessage, cn: string | undefined, user: number | undefined): void {
    const r = this.calls.applyCallInfo(msg, cn, user);
    this.reports.report(r.payload, msg);
    if (!r.callId) return;
    const waiters = this.legWaiters.get(r.callId);
    if (waiters && this.calls.idsOf(r.callId)?.handle !== undefined) {
      this.legWaiters.delete(r.callId);
      for (const w of waiters) w();
    }
  }

  private releaseHeldBack(): void {
    if (!this.heldBack.length) return;
    const keep: RccMessage[] = [];
    for (const msg of this.heldBack) {
      const user = integerOf(msg.user);
      const cn = user === undefined ? undefined : this.owners.get(user);
      if (cn === undefined && this.initsPending > 0) keep.push(msg);
      else this.applyCallInfo(msg, cn, user);
    }
    this.heldBack = keep;
  }
}
