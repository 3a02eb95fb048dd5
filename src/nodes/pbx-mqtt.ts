import type { StateKind } from '../model/types';
import { ALL } from '../protocols/common/adapter';
import { errorText } from '../protocols/common/errors';
import { brokerLink } from './mqtt/broker-link';
import { StateMirror } from './mqtt/mirror';
import { baseTopic, kindsOf, slugName, type MqttKind } from './mqtt/topics';
import type { ConnectionNode } from './connection-settings';
import { NodeError, localError } from './node-errors';
import { attachConnection, keysOf, onInput, type UserNodeDef } from './node-kit';
import type { Node, NodeAPI, NodeMessage } from './red';

interface MqttDef extends UserNodeDef {
  kinds?: string;
  keys?: string;
  topic?: string;
  discovery?: boolean | string;
  discoveryPrefix?: string;
  /** A core `mqtt-broker` config node to publish through (optional). */
  broker?: string;
}

/** The store kind each mirrored kind needs held on the connection (records come from calls). */
const HOLDS: Record<MqttKind, StateKind> = { presence: 'presence', blf: 'blf', call: 'call', record: 'call' };

/**
 * The connection's live state as messages for a core `mqtt out` node, with Home Assistant
 * discovery (NODES.md `pbx-mqtt`). The topic scheme and configs are in `mqtt/`.
 */
export = function (RED: NodeAPI): void {
  function PbxMqtt(this: Node, def: MqttDef): void {
    RED.nodes.createNode(this, def);
    const kinds = kindsOf(def.kinds);
    const configNode = def.connection ? (RED.nodes.getNode(def.connection) as ConnectionNode | null) : null;
    const pbx = configNode?.connection;
    // A vendor without live state (innovaphone Devices): said once, and the connection is not started for it.
    const problem =
      pbx && ![...kinds].some((kind) => pbx.supportsChannel(HOLDS[kind]))
        ? new NodeError('PBX_UNSUPPORTED', 'notReported', { vendor: pbx.vendor, kind: 'presence/blf/call' })
        : undefined;
    if (problem) {
      const text = localError(RED, problem).message;
      this.status({ fill: 'red', shape: 'ring', text });
      this.error(text);
    }
    const conn = problem ?? attachConnection(RED, this, def);
    if (conn instanceof NodeError) {
      onInput(RED, this, conn, () => undefined);
      return;
    }
    const slug = slugName(configNode?.name || '') || slugName(String(def.connection));
    const keyList = keysOf(def.keys);
    let failed = '';
    // One log line per kind of failure, not one per event.
    const report = (err: unknown): void => {
      if (errorText(err) !== failed) this.error((failed = errorText(err)));
    };
    const guarded =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        try {
          fn(...args);
        } catch (err) {
          report(err);
        }
      };
    const scheme = {
      base: baseTopic(String(def.topic ?? ''), slug),
      discoveryPrefix: baseTopic(String(def.discoveryPrefix || 'homeassistant'), slug),
      device: { slug, name: configNode?.name || conn.vendor, vendor: conn.vendor },
    };
    const link = def.broker
      ? brokerLink(
          RED,
          this,
          def.broker,
          guarded(() => mirror.republish(conn.connection.state)),
          report,
        )
      : undefined;
    const keys = keyList[0] === ALL ? null : keyList;
    // The view holds the kinds the vendor can report: the keys of presence and BLF (every key without), every call.
    const held = [...new Set([...kinds].map((kind) => HOLDS[kind]))].filter((kind) =>
      conn.connection.supportsChannel(kind),
    );
    // The listener runs only after this turn (a view tells nothing while it starts), when the mirror exists.
    const view = conn.view(
      { kinds: held, keys, records: kinds.has('record') && conn.connection.supportsChannel('record') },
      {
        entry: guarded((kind, key, entry, change) => mirror.entryChanged(kind, key, entry, change)),
        state: guarded((state) => mirror.connectionState(state)),
        record: guarded((record) => mirror.record(record)),
      },
    );
    const mirror = new StateMirror(
      {
        scheme,
        kinds,
        keys: keys && new Set(keys),
        discovery: def.discovery !== false && def.discovery !== 'false',
        nameOf: (key) => view.nameOf(key),
        schedule: (flush) => setImmediate(guarded(flush)),
      },
      view,
      (m) => {
        link?.publish(m);
        this.send({ topic: m.topic, payload: m.payload, retain: m.retain, qos: m.qos });
      },
    );
    const stopNames = conn.connection.onNamesChanged(guarded(() => mirror.namesChanged()));
    // After the flow has created the nodes this one is wired to: a send before that is lost.
    const deployed = setImmediate(guarded(() => mirror.republish(conn.connection.state)));
    this.on('close', (removed, done) => {
      clearImmediate(deployed);
      stopNames();
      mirror.stop();
      if (link) link.close(removed, done);
      else done();
    });

    onInput(RED, this, conn, (c, msg, _send, done) => {
      // Home Assistant's birth and last will come on `<prefix>/status`: only `online` asks for everything.
      const statusTopic = `${scheme.discoveryPrefix}/status`;
      if (msg.topic === statusTopic && payloadText(msg) !== 'online') return done();
      mirror.republish(c.connection.state);
      done();
    });
  }
  RED.nodes.registerType('pbx-mqtt', PbxMqtt);
};

function payloadText(msg: NodeMessage): string {
  const p = msg.payload;
  return Buffer.isBuffer(p) ? p.toString('utf8').trim() : String(p ?? '').trim();
}
