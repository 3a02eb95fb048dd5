import type { AdapterEvents } from '../common/adapter';
import { ALL } from '../common/adapter';
import { endpointOf, presenceOf, presenceTarget, type EndpointInfo } from './normalize';
import type { AppMessage, AppWebsocket } from './app-websocket';
import { PBX_API } from './pbx-api';

/**
 * PbxApi presence monitors, one `SubscribePresence` per user as the node typed it (sip name or
 * number). Each subscription uses its own `src`, which the PBX repeats on every PresenceState
 * and PresenceUpdate of that monitor: that is how updates find their user.
 */
export class PresenceMonitors {
  private readonly userBySrc = new Map<string, string>();
  private readonly info = new Map<string, EndpointInfo>();

  constructor(private readonly events: Pick<AdapterEvents, 'emit' | 'users'>) {}

  async subscribe(socket: AppWebsocket, user: string, timeoutMs: number): Promise<void> {
    const src = `p:${user}`;
    this.userBySrc.set(src, user);
    await socket.request({ api: PBX_API, mt: 'SubscribePresence', ...presenceTarget(user) }, timeoutMs, { src });
  }

  unsubscribe(socket: AppWebsocket | undefined, user: string): void {
    const src = `p:${user}`;
    this.userBySrc.delete(src);
    this.info.delete(user);
    try {
      socket?.send({ api: PBX_API, mt: 'UnsubscribePresence', ...presenceTarget(user), src });
    } catch {
      /* gone: the PBX drops the monitor with the socket */
    }
  }

  /** PresenceState / PresenceUpdate; false when the frame belongs to no monitor. */
  handle(msg: AppMessage): boolean {
    if (msg.mt !== 'PresenceState' && msg.mt !== 'PresenceUpdate') return false;
    const user = this.userOf(msg);
    if (user === undefined) return false;
    if (msg.mt === 'PresenceState') {
      const info = endpointOf(msg);
      this.info.set(user, info);
      // The PBX's name of its user (the `pbx` phone book source reads these where RCC is not granted).
      if (info.dn) this.events.users([{ number: info.num ?? info.sip ?? user, name: info.dn }]);
      // A monitor that went down: its user's presence is no longer known.
      if (info.up !== false) return true;
    }
    const payload = presenceOf(user, this.info.get(user), msg.presence);
    this.events.emit('presence', user, { topic: user, payload, event: String(msg.mt), raw: msg });
    return true;
  }

  /**
   * The monitor a frame belongs to: by its `src` (the PbxApi doc says updates repeat it). A PBX
   * that leaves it out is still understood where that is unambiguous: a PresenceState names
   * `sip`/`num`, and with a single monitor every update is its own (inferred leniency).
   */
  private userOf(msg: AppMessage): string | undefined {
    if (typeof msg.src === 'string' && this.userBySrc.has(msg.src)) return this.userBySrc.get(msg.src);
    const users = [...this.userBySrc.values()];
    for (const key of ['sip', 'num']) {
      const named = msg[key];
      if (typeof named === 'string' && named && users.includes(named)) return named;
    }
    if (msg.src === undefined && users.length === 1) return users[0];
    return undefined;
  }

  /** Users the PBX described (sip and number), for editor autocomplete. */
  known(): string[] {
    const out = new Set<string>();
    for (const [user, info] of this.info) {
      out.add(user);
      if (info.sip) out.add(info.sip);
      if (info.num) out.add(info.num);
    }
    out.delete(ALL);
    return [...out];
  }
}
