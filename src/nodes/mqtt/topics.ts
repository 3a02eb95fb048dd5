import { createHash } from 'crypto';

/**
 * The `pbx-mqtt` topic scheme and Home Assistant discovery configs (NODES.md `pbx-mqtt`), pure:
 * no Node-RED, no connection. Every topic segment and unique id is a slug (`[a-zA-Z0-9_-]`).
 */

/** What the node can mirror, in the order of the `kinds` property. */
export const MQTT_KINDS = ['presence', 'blf', 'call', 'record'] as const;
export type MqttKind = (typeof MQTT_KINDS)[number];

/** The kinds with a retained entry per key and a Home Assistant sensor each. */
export type SensorKind = 'presence' | 'blf';

/** A message for a core `mqtt out` node: JSON text payloads, except the availability's plain text. */
export interface MqttMessage {
  topic: string;
  payload: string;
  retain: boolean;
  qos: 1;
}

/** The Home Assistant device every entity of one connection belongs to. */
export interface Device {
  /** The slug of the connection's name (`pbx_<slug>` is the device id, prefix of every unique id). */
  slug: string;
  name: string;
  vendor: string;
}

export interface TopicScheme {
  base: string;
  discoveryPrefix: string;
  device: Device;
}

const INVALID = /[^a-zA-Z0-9_-]+/g;
const CLEAN = /^[a-zA-Z0-9_-]+$/;
/** Long keys are cut (a topic level of 100 characters helps nobody); the hash keeps them apart. */
const MAX_SLUG = 64;

/**
 * A key as a slug: unchanged when it is one already; otherwise every run of other characters
 * becomes `_` and a hash of the whole key is appended, so `a.b` and `a_b` (or `Мария` and
 * `Иван`) stay apart, the same way on every restart and in any order of arrival.
 */
export function slugKey(key: string): string {
  if (CLEAN.test(key) && key.length <= MAX_SLUG) return key;
  const hash = createHash('sha1').update(key).digest('hex').slice(0, 8);
  const readable = key
    .replace(INVALID, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_SLUG);
  return readable ? `${readable}_${hash}` : hash;
}

/** A label (the connection's name) as a readable slug: lower case, other characters as `_`. */
export function slugName(name: string): string {
  return name
    .toLowerCase()
    .replace(INVALID, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_SLUG);
}

/**
 * The base topic: the configured one with each level made a slug (no `+`, `#` or empty
 * levels), or `pbx/<device slug>`.
 */
export function baseTopic(configured: string, deviceSlug: string): string {
  const levels = configured
    .split('/')
    .map((level) => level.trim().replace(INVALID, '_'))
    .filter(Boolean);
  return levels.length ? levels.join('/') : `pbx/${deviceSlug}`;
}

/** `kinds` as a set; empty or nothing known means all four. */
export function kindsOf(list: unknown): Set<MqttKind> {
  const kinds = String(list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is MqttKind => (MQTT_KINDS as readonly string[]).includes(s));
  return new Set(kinds.length ? kinds : MQTT_KINDS);
}

export const statusTopic = (s: TopicScheme): string => `${s.base}/status`;
export const entryTopic = (s: TopicScheme, kind: SensorKind, key: string): string =>
  `${s.base}/${kind}/${slugKey(key)}`;
export const callTopic = (s: TopicScheme, callId: string): string => `${s.base}/call/${slugKey(callId)}`;
export const recordTopic = (s: TopicScheme): string => `${s.base}/record`;
export const eventTopic = (s: TopicScheme): string => `${s.base}/event`;

export const uniqueId = (s: TopicScheme, kind: SensorKind, key: string): string =>
  `pbx_${s.device.slug}_${kind}_${slugKey(key)}`;
export const eventUniqueId = (s: TopicScheme): string => `pbx_${s.device.slug}_calls`;

export const sensorConfigTopic = (s: TopicScheme, kind: SensorKind, key: string): string =>
  `${s.discoveryPrefix}/sensor/${uniqueId(s, kind, key)}/config`;
export const eventConfigTopic = (s: TopicScheme): string => `${s.discoveryPrefix}/event/${eventUniqueId(s)}/config`;

/** The field Home Assistant shows as the sensor's state: presence `status`, BLF `state`. */
const STATE_FIELD: Record<SensorKind, string> = { presence: 'status', blf: 'state' };
const ENTITY_NAME: Record<SensorKind, string> = { presence: 'Presence', blf: 'Line' };
const ICON: Record<SensorKind, string> = { presence: 'mdi:account', blf: 'mdi:phone-classic' };

function deviceOf(s: TopicScheme): Record<string, unknown> {
  return { identifiers: [`pbx_${s.device.slug}`], name: s.device.name, manufacturer: s.device.vendor };
}

/**
 * The name Home Assistant shows for a sensor: the person's (`Alice Adams`, `Alice Adams line`)
 * where the PBX or the phone book knows it, else `Presence 41` / `Line 41` (NODES.md "Who").
 */
export function sensorName(kind: SensorKind, key: string, person: string | undefined): string {
  if (!person) return `${ENTITY_NAME[kind]} ${key}`;
  return kind === 'presence' ? person : `${person} line`;
}

/**
 * The discovery config of one user's presence or one extension's lamp (a `sensor`), named after
 * its person when known; the unique id never depends on the name (the entity keeps its history).
 */
export function sensorConfig(s: TopicScheme, kind: SensorKind, key: string, person?: string): MqttMessage {
  const state = entryTopic(s, kind, key);
  const config = {
    name: sensorName(kind, key, person),
    unique_id: uniqueId(s, kind, key),
    state_topic: state,
    value_template: `{{ value_json.${STATE_FIELD[kind]} }}`,
    json_attributes_topic: state,
    availability_topic: statusTopic(s),
    icon: ICON[kind],
    device: deviceOf(s),
  };
  return { topic: sensorConfigTopic(s, kind, key), payload: JSON.stringify(config), retain: true, qos: 1 };
}

/** The discovery config of the connection's call event entity (answered and missed calls). */
export function eventConfig(s: TopicScheme): MqttMessage {
  const config = {
    name: 'Calls',
    unique_id: eventUniqueId(s),
    state_topic: eventTopic(s),
    event_types: ['answered', 'missed'],
    availability_topic: statusTopic(s),
    icon: 'mdi:phone-log',
    device: deviceOf(s),
  };
  return { topic: eventConfigTopic(s), payload: JSON.stringify(config), retain: true, qos: 1 };
}
