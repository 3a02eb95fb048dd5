import type { VendorDescriptor } from '../common/vendor';
import { createInnovaphoneAdapter } from './adapter';
import { innovaphoneOptions, type InnovaphoneOptions } from './settings';

/** innovaphone PBX: presence, BLF, calls and signaling over the App websocket. */
export const innovaphone: VendorDescriptor<InnovaphoneOptions, 'innovaphone'> = {
  id: 'innovaphone',
  settings: innovaphoneOptions,
  create: createInnovaphoneAdapter,
  editor: {
    fields: ['url', 'app', 'password', 'domain', 'user'],
    required: ['url', 'app'],
    urlPlaceholder: 'wss://pbx.example.com/PBX0/APPS/websocket',
  },
};
