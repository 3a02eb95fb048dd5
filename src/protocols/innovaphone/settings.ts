import { requiredSetting, textSetting, type SettingSecrets, type SettingSource } from '../common/vendor';

/** An innovaphone App object login (also used by the Devices App service). */
export interface InnovaphoneOptions {
  url: string;
  /** The PBX's system name; the App login's domain. */
  domain: string;
  /** The App object's name. */
  app: string;
  /** The PBX user the login is scoped to (`sip`), where the PBX allows it. */
  user: string;
  password: string;
}

export function innovaphoneOptions(def: SettingSource, credentials: SettingSecrets): InnovaphoneOptions {
  return {
    url: requiredSetting(def, 'url'),
    domain: textSetting(def, 'domain'),
    app: textSetting(def, 'app'),
    user: textSetting(def, 'user'),
    password: credentials.password ?? '',
  };
}
