import type { VendorId } from '../model/types';
import type { AdapterFactory } from '../protocols/common/adapter';
import { createInnovaphoneAdapter } from '../protocols/innovaphone/adapter';
import { createDevicesAdapter } from '../protocols/innovaphone-devices/adapter';
import { createOnlinePbxAdapter } from '../protocols/onlinepbx/adapter';
import { createVodiaAdapter } from '../protocols/vodia/adapter';

/** The vendor table: the one place a new vendor is plugged in. */
export const ADAPTERS: Record<VendorId, AdapterFactory> = {
  innovaphone: createInnovaphoneAdapter,
  'innovaphone-devices': createDevicesAdapter,
  onlinepbx: createOnlinePbxAdapter,
  vodia: createVodiaAdapter,
};
