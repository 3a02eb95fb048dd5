import type { ConnectionState } from '../../connection/pbx-connection';
import type { StateEntry } from '../../connection/state-store';
import type { StoreView, ViewChange } from '../../connection/store-view';
import type { CallRecord, StateKind } from '../../model/types';
import * as t from './topics';

export interface MirrorOptions {
  scheme: t.TopicScheme;
  kinds: ReadonlySet<t.MqttKind>;
  /** Users/extensions to publish (calls and records are never filtered); null = every key the store holds. */
  keys: ReadonlySet<string> | null;
  discovery: boolean;
  /** The person's name for a user or extension (`StoreView.nameOf`: the connection's names, else its presence `dn`). */
  nameOf(key: string): string | undefined;
  /** Runs `flush` after the current turn of the event loop (`setImmediate` in the node). */
  schedule(flush: () => void): void;
}

type Fields = Record<string, unknown>;

/**
 * The connection's state store as MQTT messages (NODES.md `pbx-mqtt`). Each store change is
 * published once: the store's `changed` flag (or a reconnect confirming a stale entry) decides,
 * never a comparison of our own. Retained entries go out at the end of the event loop's turn,
 * one per key with its state then: a burst that changes a key many times in one read from the
 * PBX publishes its latest state once (a retained topic keeps only the last anyway). Calls,
 * records and availability go out at once. Holds the keys whose config went out and the keys
 * waiting for the turn's end.
 */
export class StateMirror {
  private availability: 'online' | 'offline' | undefined;
  private wasOnline = false;
  /** The sensors whose config went out (since the last reconnect), with the person's name it carried. */
  private readonly announced = new Map<string, { kind: t.SensorKind; key: string; person: string | undefined }>();
  /** The *Calls* config goes out again right before the first event after a deploy or reconnect. */
  private callsDue = false;
  private readonly pending: Record<t.SensorKind, Set<string>> = { presence: new Set(), blf: new Set() };
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly options: MirrorOptions,
    private readonly store: Pick<StoreView, 'get' | 'entries'>,
    private readonly publish: (m: t.MqttMessage) => void,
  ) {}

  /** Deploy, or a request to republish: availability, every config and every retained entry. */
  republish(state: ConnectionState): void {
    this.announced.clear();
    if (state !== 'closed') this.publishAvailability(state === 'connected' ? 'online' : 'offline');
    this.announceCalls();
    this.queueAll();
  }

  /**
   * Availability follows the connection. Going down, every retained entry goes out again
   * (stale now); back up, every config again (the resync then confirms or changes each entry).
   */
  connectionState(state: ConnectionState): void {
    if (state === 'closed') return;
    const availability = state === 'connected' ? 'online' : 'offline';
    if (availability === this.availability) return;
    const reconnect = availability === 'online' && this.wasOnline;
    const dropped = availability === 'offline' && this.availability === 'online';
    this.publishAvailability(availability);
    if (dropped) this.queueAll();
    if (reconnect) {
      this.announced.clear();
      this.announceCalls();
      for (const kind of this.sensorKinds()) for (const [key] of this.store.entries(kind)) this.announce(kind, key);
    }
  }

  /**
   * What a view of the store sees change (`ViewListener.entry`): a new key, a changed payload, an
   * entry going stale or confirmed again, a key leaving. Presence and BLF entries go out
   * retained; a call each time it changes, its end (its last entry) included.
   */
  entryChanged(kind: StateKind, key: string, entry: Readonly<StateEntry> | undefined, change: ViewChange): void {
    if (change === 'named' || change === 'connection') return;
    if (kind !== 'call') {
      if (this.options.kinds.has(kind)) this.queue(kind, key);
    } else if (entry && (change === 'added' || change === 'changed' || (change === 'removed' && isEnded(entry)))) {
      this.publishCall(key, entry);
    }
  }

  /**
   * The connection learned names (a user list, a phone book): each sensor whose person's name
   * changed gets its config again, with that name and the same unique id.
   */
  namesChanged(): void {
    for (const { kind, key } of [...this.announced.values()]) this.announce(kind, key);
  }

  /** One call record: on `<base>/record`, and for Home Assistant's event entity when answered or missed. */
  record(record: CallRecord): void {
    if (!this.options.kinds.has('record')) return;
    const scheme = this.options.scheme;
    this.publish({ topic: t.recordTopic(scheme), payload: JSON.stringify(record), retain: false, qos: 1 });
    const eventType = record.answered ? 'answered' : record.missed ? 'missed' : undefined;
    if (eventType) {
      // A core `mqtt out` drops what it gets before its broker is up: the deploy's config may be lost.
      if (this.callsDue) {
        this.callsDue = false;
        this.publish(t.eventConfig(scheme));
      }
      this.publish({
        topic: t.eventTopic(scheme),
        payload: JSON.stringify({ event_type: eventType, ...record }),
        retain: false,
        qos: 1,
      });
    }
  }

  /** The node closed: nothing more goes out. */
  stop(): void {
    this.stopped = true;
    this.pending.presence.clear();
    this.pending.blf.clear();
  }

  private publishAvailability(availability: 'online' | 'offline'): void {
    this.availability = availability;
    if (availability === 'online') this.wasOnline = true;
    this.publish({ topic: t.statusTopic(this.options.scheme), payload: availability, retain: true, qos: 1 });
  }

  private publishCall(callId: string, entry: Readonly<StateEntry>): void {
    if (!this.options.kinds.has('call')) return;
    const body = { ...(entry.payload as Fields), since: entry.since, stale: entry.stale };
    this.publish({
      topic: t.callTopic(this.options.scheme, callId),
      payload: JSON.stringify(body),
      retain: false,
      qos: 1,
    });
  }

  private queueAll(): void {
    for (const kind of this.sensorKinds()) for (const [key] of this.store.entries(kind)) this.queue(kind, key);
  }

  private queue(kind: t.SensorKind, key: string): void {
    if (this.stopped || !this.wanted(key)) return;
    this.pending[kind].add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    this.options.schedule(() => this.flush());
  }

  /** Each waiting key: its config the first time, then its entry as the store holds it now. */
  private flush(): void {
    this.scheduled = false;
    for (const kind of this.sensorKinds()) {
      for (const key of this.pending[kind]) {
        const entry = this.store.get(kind, key);
        if (!entry) continue;
        this.announce(kind, key);
        // A user's presence may bring the name of the person on the extension of the same key.
        if (kind === 'presence' && this.announced.has(t.uniqueId(this.options.scheme, 'blf', key)))
          this.announce('blf', key);
        const body = { ...(entry.payload as Fields), since: entry.since, stale: entry.stale };
        this.publish({
          topic: t.entryTopic(this.options.scheme, kind, key),
          payload: JSON.stringify(body),
          retain: true,
          qos: 1,
        });
      }
      this.pending[kind].clear();
    }
  }

  /**
   * The discovery config of a key, the first time this mirror publishes it (since the last
   * reconnect) and again when its person's name changed.
   */
  private announce(kind: t.SensorKind, key: string): void {
    if (!this.options.discovery || !this.wanted(key)) return;
    const id = t.uniqueId(this.options.scheme, kind, key);
    const person = this.options.nameOf(key);
    const before = this.announced.get(id);
    if (before && before.person === person) return;
    this.announced.set(id, { kind, key, person });
    this.publish(t.sensorConfig(this.options.scheme, kind, key, person));
  }

  private announceCalls(): void {
    if (!this.options.discovery || !this.options.kinds.has('record')) return;
    this.callsDue = true;
    this.publish(t.eventConfig(this.options.scheme));
  }

  private sensorKinds(): t.SensorKind[] {
    return (['presence', 'blf'] as const).filter((k) => this.options.kinds.has(k));
  }

  private wanted(key: string): boolean {
    return !this.options.keys || this.options.keys.has(key);
  }
}

/** A call that left the store by ending (not one let go of to bound the store). */
function isEnded(entry: Readonly<StateEntry>): boolean {
  return (entry.payload as Fields).state === 'ended';
}
