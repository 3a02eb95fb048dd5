import { randomBytes } from 'crypto';

/**
 * `msg._msgid` for the messages the input nodes emit. Node-RED's own generateId draws eight
 * Math.random() bytes and joins hex strings for every message: measured at 7% of the CPU of a
 * busy PBX connection (70k events/s). A random per-process prefix with a counter is as unique
 * (16 hex digits, the same shape) for a fraction of the cost; the prefix is drawn again when the
 * counter wraps.
 */
let prefix = randomBytes(4).toString('hex');
let counter = 0;

export function messageId(): string {
  counter = (counter + 1) >>> 0;
  if (counter === 0) prefix = randomBytes(4).toString('hex');
  return prefix + counter.toString(16).padStart(8, '0');
}
