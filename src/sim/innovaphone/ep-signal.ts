import { isDeepStrictEqual } from 'util';
import type { AppClient, AppMessage } from './app-server';

/** A call in progress at a device, as Sync reports it. */
interface DeviceCall {
  call: number;
  incoming: boolean;
  state: string;
  remote: { num: string; sip: string; dn: string };
}

interface Attachment {
  hw: string;
  src: unknown;
}

/**
 * EpSignal (seed 003): Attach / AttachResult / Attached / Sync, and scripted calls whose
 * Signaling passes through the attached client in both directions. The client must send every
 * Signaling back unchanged; the simulator checks each one.
 */
export class EpSignalSim {
  /** Signaling frames sent to clients, and how many came back unchanged. */
  sent = 0;
  returnedUnchanged = 0;
  /** Signaling frames from clients that were not a relay (control mode), as received. */
  readonly fromApp: AppMessage[] = [];
  private readonly calls = new Map<string, DeviceCall[]>();
  private readonly awaiting = new Map<AppClient, AppMessage[]>();
  private nextCall = 1;

  constructor(
    private readonly devices: Set<string>,
    private readonly clients: () => AppClient[],
  ) {}

  /** Devices some socket is attached to. */
  attached(): string[] {
    return this.clients().flatMap((c) => this.attachments(c).map((a) => a.hw));
  }

  handle(c: AppClient, msg: AppMessage): void {
    if (msg.mt === 'Attach') {
      const hw = String(msg.hw ?? '');
      if (!this.devices.has(hw)) {
        c.send({ api: 'EpSignal', mt: 'AttachResult', src: msg.src, err: `no device ${hw}` });
        return;
      }
      const list = this.attachments(c).filter((a) => a.hw !== hw);
      list.push({ hw, src: msg.src });
      c.state.set('ep', list);
      c.send({
        api: 'EpSignal',
        mt: 'AttachResult',
        src: msg.src,
        stun: '',
        turn: '',
        prefixIntl: '000',
        prefixNtl: '00',
        prefixSubs: '',
        area: '7031',
        country: '49',
        maxIntern: 4,
        tones: 0,
      });
      c.send({ api: 'EpSignal', mt: 'Attached', src: msg.src });
      for (const call of this.calls.get(hw) ?? []) {
        c.send({
          api: 'EpSignal',
          mt: 'Sync',
          src: msg.src,
          call: call.call,
          info: { channel: -1, in: call.incoming, state: call.state, remote: call.remote },
        });
      }
    } else if (msg.mt === 'Signaling') this.fromClient(c, msg);
  }

  /**
   * A call at device `hw`: the device's setup (toward the PBX), then alert and connect from the
   * PBX (toward the device), and the release after `talkMs` (never when undefined).
   */
  playCall(
    hw: string,
    opts: { to: string; toName?: string; incoming?: boolean },
    steps: (ms: number, fn: () => void) => void,
    talkMs?: number,
  ): number {
    const call = this.nextCall++;
    const remote = { num: opts.to, sip: '', dn: opts.toName ?? '' };
    const entry: DeviceCall = { call, incoming: !!opts.incoming, state: 'setup', remote };
    this.calls.set(hw, [...(this.calls.get(hw) ?? []), entry]);
    this.signal(hw, call, false, { type: 'setup', channel: -1, cd: { num: opts.to }, complete: true });
    steps(50, () => {
      entry.state = 'alert';
      this.signal(hw, call, true, { type: 'alert', channel: -1 });
    });
    steps(100, () => {
      entry.state = 'connected';
      this.signal(hw, call, true, { type: 'conn', channel: -1, channels_cmd: 'SELECT' });
    });
    if (talkMs !== undefined) steps(100 + talkMs, () => this.release(hw, call));
    return call;
  }

  release(hw: string, call: number): void {
    this.calls.set(
      hw,
      (this.calls.get(hw) ?? []).filter((c) => c.call !== call),
    );
    this.signal(hw, call, true, { type: 'rel', cau: { loc: 'public-remote', num: 16 } });
  }

  /** A Signaling of `call` at `hw`: `to` true travels toward the device (it comes from the PBX). */
  signal(hw: string, call: number, to: boolean, sig: AppMessage): void {
    for (const c of this.clients()) {
      const at = this.attachments(c).find((a) => a.hw === hw);
      if (!at) continue;
      const frame: AppMessage = { api: 'EpSignal', mt: 'Signaling', src: at.src, call, sig };
      if (to) frame.to = true;
      this.sent++;
      const list = this.awaiting.get(c) ?? [];
      list.push(frame);
      this.awaiting.set(c, list);
      c.send(frame);
    }
  }

  forget(c: AppClient): void {
    this.awaiting.delete(c);
  }

  private fromClient(c: AppClient, msg: AppMessage): void {
    const list = this.awaiting.get(c) ?? [];
    const at = list.findIndex(
      (f) =>
        f.call === msg.call &&
        (f.to === true) === (msg.to === true) &&
        f.src === msg.src &&
        isDeepStrictEqual(f.sig, msg.sig),
    );
    if (at >= 0) {
      list.splice(at, 1);
      this.returnedUnchanged++;
    } else this.fromApp.push(msg);
  }

  private attachments(c: AppClient): Attachment[] {
    return (c.state.get('ep') as Attachment[] | undefined) ?? [];
  }
}
