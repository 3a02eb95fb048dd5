import type { VendorDescriptor } from '../common/vendor';
import { createOnlinePbxAdapter } from './adapter';
import { onlinePbxOptions, type OnlinePbxOptions } from './settings';

/** onlinePBX: API 2.0 (socket.io 0.9) or 3.0 (JSON WebSocket), logged in with an API key. */
export const onlinePbx: VendorDescriptor<OnlinePbxOptions, 'onlinepbx'> = {
  id: 'onlinepbx',
  settings: onlinePbxOptions,
  create: createOnlinePbxAdapter,
  // The URL is derived from the domain unless given (a PBX of one's own).
  editor: { fields: ['domain', 'apiKey', 'apiVersion', 'url'], required: ['domain'], urlPlaceholder: '' },
};
