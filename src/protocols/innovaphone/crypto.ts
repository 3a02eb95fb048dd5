import { createHash } from 'crypto';

/**
 * The AppWebsocket crypto (innovaphone.appwebsocket.Connection.js, spec §2.3-2.6): the login
 * digest, the session key, and the "encryption function" (RC4 keyed with seed and session key)
 * used for Devices config passwords and Services keys.
 */

/** The AppLogin fields that go into the digest; missing ones count as empty strings. */
export interface LoginFields {
  app: string;
  domain?: string;
  sip?: string;
  guid?: string;
  dn?: string;
}

function sha256hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * RC4, the plain stream cipher (KSA over the whole key, no drop-N). Node >= 17 (OpenSSL 3) has
 * no RC4 without the legacy provider, so it is written out here. Encrypting and decrypting are
 * the same operation.
 */
export function rc4(key: Buffer, data: Buffer): Buffer {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
    out[n] = data[n] ^ s[(s[i] + s[j]) & 0xff];
  }
  return out;
}

/**
 * `sha256hex(app:domain:sip:guid:dn[:info]:challenge:password)`. `infoJson` is the exact JSON
 * text of the `info` property as it goes on the wire, or undefined when no `info` is sent (then
 * the segment is left out entirely, not left empty).
 */
export function loginDigest(
  fields: LoginFields,
  infoJson: string | undefined,
  challenge: string,
  password: string,
): string {
  const parts = [fields.app, fields.domain ?? '', fields.sip ?? '', fields.guid ?? '', fields.dn ?? ''];
  if (infoJson !== undefined) parts.push(infoJson);
  parts.push(challenge, password);
  return sha256hex(parts.join(':'));
}

/** Derived on both sides, never sent. */
export function sessionKey(challenge: string, password: string): string {
  return sha256hex(`innovaphoneAppSessionKey:${challenge}:${password}`);
}

export function encrypt(seed: string, text: string, key: string): string {
  return rc4(Buffer.from(`${seed}:${key}`, 'utf8'), Buffer.from(text, 'utf8')).toString('hex');
}

export function decrypt(seed: string, hex: string, key: string): string {
  return rc4(Buffer.from(`${seed}:${key}`, 'utf8'), Buffer.from(hex, 'hex')).toString('utf8');
}

export function hash(seed: string, data: string, key: string): string {
  return sha256hex(`${seed}:${key}:${data}`);
}
