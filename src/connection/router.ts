import type { PbxMessage } from '../model/types';
import { ALL, type Channel, type Interest } from '../protocols/common/adapter';

export type Listener = (message: PbxMessage) => void;

export interface Watcher {
  /** Null for a watcher that only holds the interest (a `pbx-state` key): it gets no messages. */
  onMessage: Listener | null;
  onError(err: Error): void;
}

/**
 * Routes adapter events to watching nodes by a map lookup on (channel, key), so the cost of an
 * event does not grow with the number of nodes. It also counts holders per interest so the
 * connection knows when to subscribe or unsubscribe on the PBX.
 *
 * Each key's watchers are an array that is replaced, never changed, when one comes or goes
 * (that happens at deploy): a delivery walks the array it started with, as an EventEmitter
 * walks a copy of its listeners, and 500 nodes on 500 keys cost no Set iterator per event.
 */
export class Router {
  private readonly byChannel = new Map<Channel, Map<string, readonly Watcher[]>>();

  /** Adds a watcher; returns true when it is the first for this interest. */
  add(interest: Interest, watcher: Watcher): boolean {
    let keys = this.byChannel.get(interest.channel);
    if (!keys) this.byChannel.set(interest.channel, (keys = new Map()));
    const list = keys.get(interest.key);
    if (!list) {
      keys.set(interest.key, [watcher]);
      return true;
    }
    if (!list.includes(watcher)) keys.set(interest.key, [...list, watcher]);
    return false;
  }

  /** Removes a watcher; returns true when it was the last for this interest. */
  remove(interest: Interest, watcher: Watcher): boolean {
    const keys = this.byChannel.get(interest.channel);
    const list = keys?.get(interest.key);
    if (!keys || !list || !list.includes(watcher)) return false;
    if (list.length > 1) {
      keys.set(
        interest.key,
        list.filter((w) => w !== watcher),
      );
      return false;
    }
    keys.delete(interest.key);
    if (keys.size === 0) this.byChannel.delete(interest.channel);
    return true;
  }

  interests(): Interest[] {
    const out: Interest[] = [];
    for (const [channel, keys] of this.byChannel) for (const key of keys.keys()) out.push({ channel, key });
    return out;
  }

  watchers(interest: Interest): Watcher[] {
    return [...(this.byChannel.get(interest.channel)?.get(interest.key) ?? [])];
  }

  listening(channel: Channel, key: string): boolean {
    const keys = this.byChannel.get(channel);
    return !!keys && (keys.has(key) || keys.has(ALL));
  }

  /**
   * Delivers to the watchers of `key` and of `*`. The first gets `message` itself, every further
   * one its own copy, so one node changing its msg cannot change another's.
   */
  dispatch(channel: Channel, key: string, message: PbxMessage): void {
    const keys = this.byChannel.get(channel);
    if (!keys) return;
    // No closure per event: this runs for every PBX event (the hot path of the benchmarks).
    const delivered = deliver(keys.get(key), message, 0);
    if (key !== ALL) deliver(keys.get(ALL), message, delivered);
  }
}

/** Delivers to `list`; returns how many have had the message so far. */
function deliver(list: readonly Watcher[] | undefined, message: PbxMessage, delivered: number): number {
  if (!list) return delivered;
  for (let i = 0; i < list.length; i++) {
    const w = list[i];
    if (w.onMessage) w.onMessage(delivered++ === 0 ? message : copyMessage(message));
  }
  return delivered;
}

function copyMessage(m: PbxMessage): PbxMessage {
  const copy: PbxMessage = {
    topic: m.topic,
    event: m.event,
    payload: structuredClone(m.payload),
    raw: structuredClone(m.raw),
  };
  if (m.since !== undefined) {
    copy.previous = structuredClone(m.previous);
    copy.since = m.since;
    copy.changed = m.changed;
  }
  return copy;
}
