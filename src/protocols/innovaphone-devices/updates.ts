import type { Interest } from '../common/adapter';
import { ALL } from '../common/adapter';
import { errorText } from '../common/errors';
import type { AppMessage, AppWebsocket } from '../innovaphone/app-websocket';

/**
 * The requests whose `recvUpdates:true` makes Devices send an event (seed 004: "just triggered
 * if a GetDomains request with recvUpdates true has been send before"). Device updates have
 * their own monitors (pbx-device-in).
 */
const SOURCE_OF_EVENT: Record<string, string> = {
  DomainAdded: 'GetDomains',
  DomainEdited: 'GetDomains',
  DomainDeleted: 'GetDomains',
  DeviceConfigAdded: 'GetDeviceConfigs',
  DeviceConfigEdited: 'GetDeviceConfigs',
  DeviceConfigDeleted: 'GetDeviceConfigs',
};
/** A flow that asks for updates with ever new filters must not grow this without bound. */
const MAX_REMEMBERED = 16;

/** The same request, whatever the order of its fields. */
function keyOf(msg: AppMessage): string {
  return JSON.stringify(
    Object.keys(msg)
      .sort()
      .map((k) => [k, msg[k]]),
  );
}

/**
 * Update requests that only pbx-event shows: the domain and device config updates a pbx-event
 * node names (asked for on its behalf), and every `recvUpdates:true` request a pbx-command sent.
 * Devices forgets them with the session, so each is sent again after a reconnect; its fresh
 * result reaches pbx-event like any message.
 */
export class UpdateRequests {
  /** pbx-command requests, by key. */
  private readonly remembered = new Map<string, AppMessage>();
  /** Per socket: what was sent there already (so a request goes out once per session). */
  private readonly sent = new WeakMap<AppWebsocket, Map<string, Promise<void>>>();
  private nextSrc = 0;

  constructor(private readonly log: (text: string) => void) {}

  /** The update request(s) a pbx-event interest needs: every one for all events. */
  static forEvent(interest: Interest): AppMessage[] {
    const mts =
      interest.key === ALL
        ? [...new Set(Object.values(SOURCE_OF_EVENT))]
        : [SOURCE_OF_EVENT[interest.key]].filter(Boolean);
    return mts.map((mt) => ({ mt, recvUpdates: true }));
  }

  /** A pbx-command request that succeeded: kept for the next sessions when it asks for updates. */
  remember(socket: AppWebsocket, msg: AppMessage): void {
    if (msg.recvUpdates !== true) return;
    const key = keyOf(msg);
    this.remembered.delete(key);
    this.remembered.set(key, msg);
    if (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value as string);
    this.sentOn(socket).set(key, Promise.resolve());
  }

  /** Sends `msg` on `socket` unless it went there already; resolves with its (whole) result. */
  ensure(socket: AppWebsocket, msg: AppMessage, timeoutMs: number): Promise<void> {
    const sent = this.sentOn(socket);
    const key = keyOf(msg);
    let done = sent.get(key);
    if (!done) {
      done = socket.request(msg, timeoutMs, { multipart: true, src: `updates${++this.nextSrc}` }).then(() => undefined);
      sent.set(key, done);
      // A failed request is tried again on the next watch or reconnect.
      done.catch(() => sent.delete(key));
    }
    return done;
  }

  /** After a login: every remembered pbx-command request again. */
  replay(socket: AppWebsocket, timeoutMs: number): void {
    for (const msg of this.remembered.values()) {
      this.ensure(socket, msg, timeoutMs).catch((err: unknown) =>
        this.log(`innovaphone-devices: ${String(msg.mt)} with recvUpdates failed again: ${errorText(err)}`),
      );
    }
  }

  private sentOn(socket: AppWebsocket): Map<string, Promise<void>> {
    let sent = this.sent.get(socket);
    if (!sent) this.sent.set(socket, (sent = new Map()));
    return sent;
  }
}
