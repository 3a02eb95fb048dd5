import type { VendorDescriptor } from '../common/vendor';
import { createVodiaAdapter } from './adapter';
import { vodiaOptions, vodiaTls, type VodiaOptions } from './settings';

/** Vodia PBX: a REST session login, then its websocket for states and call control. */
export const vodia: VendorDescriptor<VodiaOptions, 'vodia'> = {
  id: 'vodia',
  settings: vodiaOptions,
  create: createVodiaAdapter,
  adjustTls: vodiaTls,
  editor: {
    fields: [
      'url',
      'domain',
      'user',
      'authMode',
      // The extension's own password, or an admin that mints a session for it.
      { name: 'password', when: { authMode: 'user' } },
      { name: 'adminUser', when: { authMode: 'admin' } },
      { name: 'adminPassword', when: { authMode: 'admin' } },
      'legacyTls',
    ],
    required: ['url', 'domain', 'user'],
    urlPlaceholder: 'wss://pbx.example.com/websocket',
  },
};
