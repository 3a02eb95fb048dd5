import type { Call, PbxMessage } from '../../../model/types';
import type { AdapterEvents, OperationResult } from '../../common/adapter';
import { DisconnectedError, PbxRequestError, TimeoutError, UnsupportedError, errorText } from '../../common/errors';
import { integerOf } from '../../common/values';
import { HOLD } from './call-state';
import { CallTable, type RccCallPayload } from './calls';
import {
  destinationOf,
  handleOf,
  initialize,
  userCall,
  userClear,
  userConnect,
  userDtmf,
  userHold,
  userInitialize,
  userPickup,
  userRedirect,
  userRetrieve,
  userTransfer,
  type RccMessage,
} from './messages';
import { UserTable } from './users';

/** The call control actions RCC offers; anything else is refused naming vendor and action. */
export const RCC_ACTIONS: ReadonlySet<string> = new Set(['hangup', 'answer', 'hold', 'transfer', 'redirect', 'pickup', 'dtmf']);

export interface RccSessionOptions {
  /**
   * Sends an RCC request and resolves with its `<mt>Result` (matched by `src`). Indications the
   * request causes (UserInfo, CallAdd, CallInfo) must reach `handle` as well.
   */
  request(msg: RccMessage, timeoutMs: number): Promise<RccMessage>;
  events: Pick<AdapterEvents, 'emit' | 'snapshot' | 'listening' | 'log'>;
  /** The initial user (and call) list streams at 50 users per 20 ms tick before its result. */
  initializeTimeoutMs?: number;
  /** For the UserInitialize requests that restore controlled users after a reconnect. */
  requestTimeoutMs?: number;
  /**
   * After a reconnect, how long to wait past the last restore result for the `CallInfo` of calls
   * in progress before the calls not listed again are reported `ended`. The PBX sends them right
   * after `UserInitializeResult` (inferred from the SOAP API it is modelled on [S1 soap.htm]); the
   * wait only covers frames already on their way.
   */
  settleMs?: number;
  /** How long call control waits for the `CallInfo` of a call known only from `CallAdd`. */
  legWaitMs?: number;
}

interface UserKey {
  cn: string;
  hw?: string;
}

const VENDOR = 'innovaphone';
/** CallInfo frames held back while the UserInitialize they belong to has not answered yet. */
const MAX_HELD_BACK = 1000;

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/**
 * Handles are taken as given, 0 included: the SOAP API RCC is modelled on returns 0 for a failure,
 * but the RCC doc does not say so and a PBX may count from 0 (lenient, inferred); a failure shows
 * as a missing handle or in `error`/`errorText`.
 */
function handleIn(res: RccMessage, field: string): number | undefined {
  return failure(res) === undefined ? integerOf(res[field]) : undefined;
}

/** RCC results report failure in `error` (a string for UserRedirect/Reroute) or `errorText`. */
function failure(res: RccMessage): string | undefined {
  const e = res.error;
  const t = text(res.errorText);
  if (t) return t;
  if (typeof e === 'string' && e !== '') return e;
  if (typeof e === 'number' && e !== 0) return `error ${e}`;
  if (e === true) return 'error';
  return undefined;
}

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
  /** Used once: from then on started again on every connect. */
  private active = false;
  private online = false;
  /** Initialize succeeded on this socket: RCC is granted and running. */
  private initialized = false;
  /** When the Initialize now out was sent. */
  private initializeSent: number | undefined;
  private generation = 0;
  private ready: Promise<RccMessage> | undefined;
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
  /** New calls from CallAdd, reported once the frames read with it are applied. */
  private readonly firstReports = new Map<string, { payload: RccCallPayload; raw: RccMessage }>();
  private firstTimer: NodeJS.Immediate | undefined;

  constructor(private readonly opts: RccSessionOptions) {
    this.calls = new CallTable((cn) => {
      const u = this.users.byCommonName(cn);
      return u?.e164 ?? u?.h323;
    });
    this.initializeTimeoutMs = opts.initializeTimeoutMs ?? 60000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10000;
    this.settleMs = opts.settleMs ?? 200;
    this.legWaitMs = opts.legWaitMs ?? 1000;
  }

  /** The socket is logged in. Restarts RCC (and restores calls) when it was in use before. */
  connected(): void {
    this.online = true;
    if (!this.active) return;
    this.start().catch((err: unknown) => this.opts.events.log('warn', `innovaphone RCC: not available after reconnect: ${errorText(err)}`));
  }

  /** The socket is gone: handles die with it; calls wait, stale, for the next connect. */
  disconnected(): void {
    this.flushFirstReports();
    this.online = false;
    this.initialized = false;
    this.initializeSent = undefined;
    this.generation++;
    this.ready = undefined;
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
    return this.initialized;
  }

  /** How long the Initialize now out has been waiting; undefined when none is. */
  initializingFor(): number | undefined {
    return this.initializeSent === undefined ? undefined : Date.now() - this.initializeSent;
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
        if (payload) this.reportLater(payload, msg);
        return;
      }
      case 'CallUpdate':
        this.report(this.calls.applyCallUpdate(msg).payload, msg);
        return;
      // The Initialize text calls it CallDelete, the message list CallDel [S8-RCC]; both are seen.
      case 'CallDel':
      case 'CallDelete':
        this.report(this.calls.applyCallDel(msg).payload, msg);
        return;
      default:
    }
  }

  /** Names for editor autocomplete, from the user table once RCC runs. */
  suggestions(field: string): string[] {
    const out = new Set<string>();
    for (const u of this.users.all()) {
      if (field === 'users') out.add(u.h323 ?? u.cn);
      else if (field === 'extensions' && u.e164) out.add(u.e164);
      else if (field === 'to') {
        if (u.e164) out.add(u.e164);
        if (u.h323) out.add(u.h323);
      } else if (field === 'hw') for (const hw of u.hw) out.add(hw);
    }
    return [...out];
  }

  /**
   * UserCall on behalf of `from` (cn, SIP name or number of a visible user): the PBX rings that
   * user's phone first, then calls `to`. Resolves with the call id as soon as the PBX accepted.
   */
  async makeCall(params: Record<string, unknown>, timeoutMs: number): Promise<OperationResult> {
    const deadline = Date.now() + timeoutMs;
    const from = text(params.from);
    const to = text(params.to);
    if (!from) throw new TypeError('make call: "from" (the user whose phone rings first) is required');
    if (!to) throw new TypeError('make call: "to" (the number or name to call) is required');
    await within(this.start(), deadline - Date.now(), 'innovaphone RCC Initialize');
    const cn = this.users.find(from)?.cn ?? from;
    const user = await this.userHandle({ cn, hw: text(params.hw) }, deadline - Date.now());
    const dest = destinationOf(to, (name) => !!this.users.byCommonName(name));
    this.calls.beginOriginate(user, to);
    let res: RccMessage;
    try {
      res = await this.request(userCall(user, dest, params), deadline);
    } catch (err) {
      this.calls.endOriginate(user, to, undefined);
      throw err;
    }
    const call = handleIn(res, 'call');
    if (call === undefined) {
      this.calls.endOriginate(user, to, undefined);
      throw new PbxRequestError(`innovaphone RCC UserCall from ${from} to ${to}: ${failure(res) ?? 'the PBX gave no call'}`, res);
    }
    this.calls.endOriginate(user, to, call);
    return { payload: { callId: this.calls.callIdOfHandle(call) ?? String(call), from, to, user: cn }, raw: res };
  }

  /**
   * hangup (UserClear, cause 16 unless `cause`), answer (UserConnect), hold (UserHold /
   * UserRetrieve: `retrieve:true|false` decides; without it the call's own hold bit toggles),
   * transfer (`toCallId`: UserTransfer of two calls of one user; else `to`: blind, UserRedirect),
   * redirect (UserRedirect to `to`), pickup (UserPickup to `user`, else `to`), dtmf (`digits`).
   */
  async callControl(params: Record<string, unknown>, timeoutMs: number): Promise<OperationResult> {
    const action = String(params.action ?? '').trim();
    if (!RCC_ACTIONS.has(action)) {
      throw new UnsupportedError(
        `${VENDOR} does not support the call control action '${action}' (RCC offers ${[...RCC_ACTIONS].join(', ')})`,
      );
    }
    const deadline = Date.now() + timeoutMs;
    const callId = text(params.callId);
    if (!callId) throw new TypeError(`${action}: payload.callId is required`);
    await within(this.start(), deadline - Date.now(), 'innovaphone RCC Initialize');
    const payload: Record<string, unknown> = { callId, action };
    let req: RccMessage;
    switch (action) {
      case 'hangup':
        req = userClear(await this.callHandle(callId, deadline), params.cause);
        break;
      case 'answer':
        req = userConnect(await this.callHandle(callId, deadline));
        break;
      case 'hold': {
        const call = await this.callHandle(callId, deadline);
        const explicit = params.retrieve;
        const retrieve =
          explicit === undefined || explicit === null || explicit === ''
            ? ((this.calls.idsOf(callId)?.state ?? 0) & HOLD) !== 0
            : explicit === true || explicit === 'true' || explicit === 1 || explicit === '1';
        req = retrieve ? userRetrieve(call) : userHold(call, params.remote);
        payload.retrieve = retrieve;
        break;
      }
      case 'transfer': {
        const other = text(params.toCallId);
        if (other) {
          const a = await this.callHandle(callId, deadline);
          req = userTransfer(a, await this.callHandle(other, deadline));
          payload.toCallId = other;
        } else if (text(params.to)) {
          req = userRedirect(await this.callHandle(callId, deadline), this.destination(params.to));
          payload.to = text(params.to);
        } else {
          throw new TypeError('transfer: payload.toCallId (connects two calls of one user) or payload.to (blind transfer) is required');
        }
        break;
      }
      case 'redirect': {
        if (!text(params.to)) throw new TypeError('redirect: payload.to (number or name) is required');
        req = userRedirect(await this.callHandle(callId, deadline), this.destination(params.to));
        payload.to = text(params.to);
        break;
      }
      case 'pickup':
        req = await this.pickupRequest(callId, params, deadline);
        break;
      default: {
        const digits = text(params.digits);
        if (!digits) throw new TypeError('dtmf: payload.digits is required');
        req = userDtmf(await this.callHandle(callId, deadline), digits);
        payload.digits = digits;
      }
    }
    const res = await this.request(req, deadline);
    const err = failure(res);
    if (err) throw new PbxRequestError(`${VENDOR} RCC ${String(req.mt)} (${action} ${callId}): ${err}`, res);
    if (action === 'pickup') {
      const picked = integerOf(res.call);
      if (picked !== undefined) payload.newCallId = this.calls.callIdOfHandle(picked) ?? String(picked);
    }
    return { payload, raw: res };
  }

  private async pickupRequest(callId: string, params: Record<string, unknown>, deadline: number): Promise<RccMessage> {
    const by = text(params.user) ?? text(params.to);
    if (!by) throw new TypeError('pickup: payload.user (who picks the call up) is required');
    const user = await this.userHandle({ cn: this.users.find(by)?.cn ?? by }, deadline - Date.now());
    const ids = this.calls.idsOf(callId);
    if (ids && ids.handle !== undefined) return userPickup(user, ids.handle);
    // A call seen only in the PBX-wide list: picked by the long name of the user it rings at.
    if (ids && ids.cn) return userPickup(user, undefined, ids.cn);
    return userPickup(user, handleOf(callId, 'callId'));
  }

  private destination(to: unknown) {
    return destinationOf(to, (name) => !!this.users.byCommonName(name));
  }

  /** Starts RCC on this socket once; the promise resolves with `InitializeResult`. */
  private start(): Promise<RccMessage> {
    if (!this.online) return Promise.reject(new DisconnectedError('innovaphone: not connected to the PBX'));
    if (this.ready) return this.ready;
    this.active = true;
    const generation = this.generation;
    this.users.clear();
    this.initializeSent = Date.now();
    const ready = this.opts.request(initialize({ calls: true }), this.initializeTimeoutMs).then((res) => {
      const err = failure(res);
      if (err) throw new PbxRequestError(`${VENDOR} RCC Initialize: ${err} (is RCC granted on the App object?)`, res);
      if (generation === this.generation) {
        this.initialized = true;
        void this.restore(generation, res);
      }
      return res;
    });
    this.ready = ready;
    const settled = (): void => {
      if (generation === this.generation) this.initializeSent = undefined;
    };
    ready.then(settled, settled);
    ready.catch(() => {
      // Tried again on next use, not kept as a failure for the socket's lifetime.
      if (this.ready === ready) this.ready = undefined;
    });
    return ready;
  }

  /** Initializes the controlled users again, then ends the calls the PBX no longer lists. */
  private async restore(generation: number, initResult: RccMessage): Promise<void> {
    await Promise.all(
      [...this.controlled.values()].map((key) =>
        this.userHandle(key, this.requestTimeoutMs).catch((err: unknown) => {
          this.opts.events.log('warn', `innovaphone RCC: could not monitor ${key.cn} again: ${errorText(err)}`);
        }),
      ),
    );
    if (generation !== this.generation) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      if (generation !== this.generation) return;
      // The legs listed again are confirmed (no longer stale) first, so by the time a swept
      // call's record goes out, what the store says of the others is true again.
      for (const payload of this.calls.listed()) this.opts.events.snapshot('call', payload.callId, this.callMessage(payload, initResult));
      for (const payload of this.calls.sweep()) this.report(payload, initResult, true);
    }, this.settleMs);
  }

  private userHandle(key: UserKey, timeoutMs: number): Promise<number> {
    const id = `${key.cn}\n${key.hw ?? ''}`;
    let p = this.handles.get(id);
    if (p) return within(p, timeoutMs, `innovaphone RCC UserInitialize ${key.cn}`);
    const generation = this.generation;
    this.initsPending++;
    p = this.opts
      .request(userInitialize(key.cn, { hw: key.hw }), Math.max(timeoutMs, 1))
      .then((res) => {
        if (generation !== this.generation) throw new DisconnectedError('innovaphone: connection lost during UserInitialize');
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
        if (generation !== this.generation) return;
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
      const generation = this.generation;
      await this.waitForLeg(callId, Math.min(this.legWaitMs, deadline - Date.now()));
      if (generation !== this.generation) throw new DisconnectedError('innovaphone: connection lost during call control');
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
    if (!user || msg.update !== 'del') return;
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
    this.report(r.payload, msg);
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

  /** `resync`: a call the PBX no longer listed after a reconnect (it ended while we were away). */
  private report(payload: RccCallPayload | undefined, raw: RccMessage, resync = false): void {
    if (!payload) return;
    const first = this.firstReports.get(payload.callId);
    if (first) {
      this.firstReports.delete(payload.callId);
      this.emitCall(first.payload, first.raw);
    }
    this.emitCall(payload, raw, resync);
  }

  private reportLater(payload: RccCallPayload, raw: RccMessage): void {
    this.firstReports.set(payload.callId, { payload, raw });
    this.firstTimer ??= setImmediate(() => this.flushFirstReports());
  }

  private flushFirstReports(): void {
    if (this.firstTimer) clearImmediate(this.firstTimer);
    this.firstTimer = undefined;
    for (const [callId, first] of this.firstReports) {
      const now = this.calls.current(callId);
      this.emitCall(now && now.state === first.payload.state ? now : first.payload, first.raw);
    }
    this.firstReports.clear();
  }

  /** Every leg's report goes to the connection (its state store), whoever watches. */
  private emitCall(payload: RccCallPayload, raw: RccMessage, resync = false): void {
    const message = this.callMessage(payload, raw);
    if (resync) message.resync = true;
    this.opts.events.emit('call', payload.callId, message);
  }

  private callMessage(payload: RccCallPayload, raw: RccMessage): PbxMessage<Call> {
    const message: PbxMessage<Call> = { topic: payload.callId, payload, event: String(raw.mt), raw };
    // The legs of one call share its conference id: one call record for all of them.
    if (payload.conf !== undefined) message.call = { group: payload.conf };
    return message;
  }
}
