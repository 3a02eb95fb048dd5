import type { AdapterEvents } from '../common/adapter';
import type { SignalParams } from '../common/operations';
import type { Call, PbxMessage } from '../../model/types';
import { OnceLog } from '../common/once-log';
import type { AppMessage, AppWebsocket } from './app-websocket';
import { EpCallTable } from './ep-calls';

/**
 * Whether the attached devices' calls go to the `call` channel: `emit` (the connection has no
 * RCC), `drop` (RCC runs and reports them), `hold` (RCC's Initialize is still out).
 */
export type CallSource = 'emit' | 'hold' | 'drop';

/** How often held call events are looked at again while RCC's answer is out. */
const HOLD_RECHECK_MS = 250;
/** Call events held at most; the oldest go first (only a flood with RCC undecided gets here). */
const MAX_HELD = 1000;
/**
 * How long after `Attached` the device's Syncs may still come: seed 003 says they report the
 * calls "at the time of the attach" without saying when; the simulator sends them at once.
 */
const SYNC_SETTLE_MS = 500;

/** EpSignal (seed 003). Sent with `"api":"EpSignal"`: the doc's `"api":"Api"` is a typo. */
export const EP_SIGNAL = 'EpSignal';

/**
 * The devices this connection is attached to. Once attached, the connection sits in the
 * device's signalling path: every `Signaling` it receives is relayed at once, unchanged (same
 * `call`, `to`, `sig`; with `to` the PBX-to-device direction is kept), before any flow sees a
 * copy, or the device's calls stall. Relaying is not optional, also in `control` mode.
 */
export class EpSignalMonitor {
  /** hw by the `src` of its Attach: the PBX sends the device's messages with that src. */
  private readonly hwBySrc = new Map<string, string>();
  private readonly srcByHw = new Map<string, string>();
  /** Frames relayed, for tests and diagnostics. */
  relayed = 0;

  private readonly oddities: OnceLog;
  private readonly calls = new EpCallTable();
  private held: Array<{ callId: string; message: PbxMessage<Call> }> = [];
  private heldTimer: NodeJS.Timeout | undefined;
  private readonly sweepTimers = new Map<string, NodeJS.Timeout>();

  /**
   * `callSource()`: where the attached devices' calls go (pbx-call-in): NODES.md says "RCC
   * calls monitoring or EpSignal, whichever the connection has". The call table is kept either
   * way, so a switch finds it current.
   */
  constructor(
    private readonly events: Pick<AdapterEvents, 'emit' | 'snapshot' | 'listening' | 'log'>,
    private readonly callSource: () => CallSource = () => 'drop',
  ) {
    this.oddities = new OnceLog(events.log);
  }

  /** Attach (again, after every reconnect); rejects when AttachResult carries `err`. */
  async attach(socket: AppWebsocket, hw: string, timeoutMs: number): Promise<void> {
    const src = `ep:${hw}`;
    this.hwBySrc.set(src, hw);
    this.srcByHw.set(hw, src);
    this.calls.suspend(hw);
    await socket.request({ api: EP_SIGNAL, mt: 'Attach', hw }, timeoutMs, { src });
  }

  /** There is no Detach message: forgetting the src stops relaying and reporting. */
  detach(hw: string): void {
    this.calls.end(hw);
    clearTimeout(this.sweepTimers.get(hw));
    this.sweepTimers.delete(hw);
    const src = this.srcByHw.get(hw);
    this.srcByHw.delete(hw);
    if (src) this.hwBySrc.delete(src);
  }

  /** Every `"api":"EpSignal"` frame. */
  handle(socket: AppWebsocket, msg: AppMessage): void {
    const hw = this.hwOf(msg);
    if (hw === undefined)
      return this.oddities.debug(String(msg.mt), `innovaphone EpSignal: ${String(msg.mt)} for no attached device`);
    if (msg.mt === 'Signaling') {
      try {
        socket.send(msg);
        this.relayed++;
      } catch {
        /* the socket is gone: the drop is reported on its own */
      }
    }
    this.reportCalls(hw, msg);
    if (msg.mt === 'AttachResult' || !this.events.listening('signaling', hw)) return;
    this.events.emit('signaling', hw, {
      topic: String(msg.mt),
      payload: signalingPayload(hw, msg),
      event: String(msg.mt),
      raw: msg,
    });
  }

  /** `control` mode: a Signaling on behalf of the device (`to:true` toward the device). */
  signal(socket: AppWebsocket, { hw, call, to, sig }: SignalParams): AppMessage {
    const src = this.srcByHw.get(hw);
    if (!src)
      throw new Error(
        `innovaphone EpSignal: device '${hw}' is not attached (a pbx-signaling node with that hw attaches it)`,
      );
    // The device is addressed by the src of its Attach, as the PBX does for its messages (inferred).
    const frame: AppMessage = { api: EP_SIGNAL, mt: 'Signaling', src, call, sig };
    if (to) frame.to = true;
    socket.send(frame);
    return frame;
  }

  private reportCalls(hw: string, msg: AppMessage): void {
    if (msg.mt === 'Attached') this.sweepLater(hw, msg);
    const changed = msg.mt === 'Detached' ? [] : [this.calls.apply(hw, msg)];
    if (msg.mt === 'Sync' && !changed[0]) this.confirm(hw, msg);
    this.hold(msg.mt === 'Detached' ? this.calls.end(hw) : changed, msg, false);
  }

  /** A Sync of a call that goes on unchanged: the state store learns it is still there. */
  private confirm(hw: string, msg: AppMessage): void {
    const call = typeof msg.call === 'number' ? this.calls.current(`${hw}:${msg.call}`) : undefined;
    if (call && this.callSource() !== 'drop') {
      this.events.snapshot('call', call.callId, { topic: call.callId, payload: call, event: 'Sync', raw: msg });
    }
  }

  /** After the Syncs of a new attach: the calls they did not list ended while we were away. */
  private sweepLater(hw: string, attached: AppMessage): void {
    clearTimeout(this.sweepTimers.get(hw));
    const timer = setTimeout(() => {
      this.sweepTimers.delete(hw);
      this.hold(this.calls.sweep(hw), attached, true);
    }, SYNC_SETTLE_MS);
    this.sweepTimers.set(hw, timer);
  }

  private hold(calls: Array<Call | undefined>, msg: AppMessage, resync: boolean): void {
    for (const call of calls) {
      if (!call) continue;
      const message: PbxMessage<Call> = { topic: call.callId, payload: call, event: String(msg.mt), raw: msg };
      if (resync) message.resync = true;
      this.held.push({ callId: call.callId, message });
    }
    if (this.held.length > MAX_HELD) this.held.splice(0, this.held.length - MAX_HELD);
    this.releaseCalls();
  }

  /** Emits or drops the call events held while it was open whether RCC reports the calls. */
  releaseCalls(): void {
    const source = this.callSource();
    if (source === 'hold') {
      if (this.held.length > 0)
        this.heldTimer ??= setTimeout(() => ((this.heldTimer = undefined), this.releaseCalls()), HOLD_RECHECK_MS);
      return;
    }
    clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    const held = this.held;
    this.held = [];
    if (source === 'drop') return;
    for (const h of held) this.events.emit('call', h.callId, h.message);
  }

  /** The socket is gone: the timers stop; held events wait for the next decision. */
  stop(): void {
    clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    for (const timer of this.sweepTimers.values()) clearTimeout(timer);
    this.sweepTimers.clear();
  }

  hardware(): string[] {
    return [...this.srcByHw.keys()];
  }

  private hwOf(msg: AppMessage): string | undefined {
    if (typeof msg.src === 'string') return this.hwBySrc.get(msg.src);
    // A PBX that leaves the src out: unambiguous only with a single attached device.
    return this.srcByHw.size === 1 ? [...this.srcByHw.keys()][0] : undefined;
  }
}

/** Call states (the Sync `info.state` names) reached by a Signaling message type. */
const STATE_BY_SIG: Record<string, string> = {
  setup: 'setup',
  setup_ack: 'setup-ack',
  call_proc: 'call-proc',
  alert: 'alert',
  conn: 'connected',
  disc: 'disconnected',
  rel: 'disconnected',
};

function stateOf(msg: AppMessage): unknown {
  const info = msg.info as Record<string, unknown> | undefined;
  if (info && typeof info === 'object' && info.state !== undefined) return info.state;
  const sig = msg.sig as Record<string, unknown> | undefined;
  const state = sig && typeof sig === 'object' && typeof sig.type === 'string' ? STATE_BY_SIG[sig.type] : undefined;
  // A disconnect from the device (no `to`) is the local side hanging up.
  return state === 'disconnected' && msg.to !== true ? 'disconnecting' : state;
}

function signalingPayload(hw: string, msg: AppMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { hw };
  if (msg.call !== undefined) out.call = msg.call;
  if (msg.mt === 'Signaling') out.to = msg.to === true;
  if (msg.sig !== undefined) out.sig = msg.sig;
  if (msg.info !== undefined) out.info = msg.info;
  const state = stateOf(msg);
  if (state !== undefined) out.state = state;
  return out;
}
