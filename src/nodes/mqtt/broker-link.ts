import type { Node, NodeAPI } from '../red';
import type { MqttMessage } from './topics';

/**
 * What this package uses of a core `mqtt-broker` config node (Node-RED's
 * `core/network/10-mqtt.js`, the same in Node-RED 3, 4 and 5). The assumption, written down:
 * the broker keeps a set of users (`register`/`deregister`, as `mqtt in`/`mqtt out` do, the
 * first user starts the connection and the last one stops it), `connected` is true while its
 * client is connected (set before anything else runs on the client's `connect`), `publish`
 * drops a message while not connected, and on every connect and disconnect of its client
 * the broker sets the `status` of each user. Nothing else of its internals (its `client`,
 * which it replaces on a new connect, or its listener bookkeeping) is touched.
 */
export interface MqttBrokerNode {
  connected: boolean;
  register(user: BrokerUser): void;
  deregister(user: BrokerUser, done: () => void, autoDisconnect?: boolean): void;
  publish(msg: { topic: string; payload: string; qos: number; retain: boolean }, done?: (err?: unknown) => void): void;
}

/** A user of the broker as the broker sees one: an id and a status it sets. */
export interface BrokerUser {
  id: string;
  status(status: unknown): void;
}

/** Does a config node look like a core `mqtt-broker` (has the methods above)? */
function isMqttBroker(node: unknown): node is MqttBrokerNode {
  const b = node as Partial<MqttBrokerNode> | null;
  return (
    !!b && typeof b.register === 'function' && typeof b.deregister === 'function' && typeof b.publish === 'function'
  );
}

/**
 * `pbx-mqtt` publishing through a core `mqtt-broker` itself (NODES.md `pbx-mqtt`, `broker`).
 * The node registers a user of its own rather than itself, so the broker's connected /
 * disconnected status texts do not replace the node's PBX status; each status the broker sets
 * on it is only the cue to read `connected`. Each time that goes from false to true (the first
 * connect after the deploy, a reconnect after the broker went away or restarted empty),
 * `onConnect` runs once, in the next turn of the event loop.
 */
export class BrokerLink {
  private readonly user: BrokerUser;
  private wasConnected: boolean;
  private pending: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(
    private readonly broker: MqttBrokerNode,
    ownerId: string,
    private readonly onConnect: () => void,
    private readonly onError: (err: unknown) => void,
  ) {
    // Already connected for other users: the deploy's own republish reaches it, nothing to repeat.
    this.wasConnected = broker.connected === true;
    this.user = { id: `${ownerId}:pbx-mqtt-broker`, status: () => this.checkConnected() };
    broker.register(this.user);
  }

  /** Publishes one message now; while the broker is down it is dropped (a connect republishes state). */
  publish(m: MqttMessage): void {
    if (this.closed || !this.broker.connected) return;
    this.broker.publish({ topic: m.topic, payload: m.payload, qos: m.qos, retain: m.retain }, (err) => {
      if (err) this.onError(err);
    });
  }

  /** The node closes: no more republishing; the broker disconnects when this was its last user and the node was removed. */
  close(removed: boolean, done: () => void): void {
    this.closed = true;
    if (this.pending) clearImmediate(this.pending);
    this.broker.deregister(this.user, done, removed);
  }

  private checkConnected(): void {
    const connected = this.broker.connected === true;
    const cameUp = connected && !this.wasConnected;
    this.wasConnected = connected;
    if (!cameUp || this.closed || this.pending) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      if (!this.closed) this.onConnect();
    });
  }
}

/**
 * The node's own client of a core `mqtt-broker` (`broker`): every config, the availability and
 * every retained entry again on each (re)connect. A missing or foreign config node is said once;
 * the output keeps working.
 */
export function brokerLink(
  RED: NodeAPI,
  node: Node,
  brokerId: string,
  republish: () => void,
  report: (err: unknown) => void,
): BrokerLink | undefined {
  const broker = RED.nodes.getNode(brokerId);
  if (!isMqttBroker(broker)) {
    node.error(RED._('pbx-mqtt.errors.broker', { broker: brokerId }));
    return undefined;
  }
  return new BrokerLink(broker, node.id, republish, report);
}
