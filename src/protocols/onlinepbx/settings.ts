import { missingSetting, textSetting, type SettingSecrets, type SettingSource } from '../common/vendor';

export interface OnlinePbxOptions {
  /** Empty: the cloud address made from `domain`. */
  url: string;
  domain: string;
  /** `2` (socket.io 0.9, the default) or `3` (JSON WebSocket). */
  apiVersion: string;
  apiKey: string;
}

export function onlinePbxOptions(def: SettingSource, credentials: SettingSecrets): OnlinePbxOptions {
  const url = textSetting(def, 'url');
  const domain = textSetting(def, 'domain');
  if (!url && !domain) throw missingSetting('url');
  if (!domain) throw missingSetting('domain');
  return { url, domain, apiVersion: String(def.apiVersion || '2'), apiKey: credentials.apiKey ?? '' };
}
