import type { VendorDescriptor } from '../common/vendor';
import { createVodiaAdapter } from './adapter';
import { vodiaOptions, vodiaTls, type VodiaOptions } from './settings';

/** Vodia PBX: a REST session login, then its websocket for states and call control. */
export const vodia: VendorDescriptor<VodiaOptions, 'vodia'> = {
  id: 'vodia',
  settings: vodiaOptions,
  create: createVodiaAdapter,
  adjustTls: vodiaTls,
};
