import type { VendorDescriptor } from '../common/vendor';
import { innovaphoneOptions, type InnovaphoneOptions } from '../innovaphone/settings';
import { createDevicesAdapter } from './adapter';

/** innovaphone Devices App: devices and provisioning, with the same App object login as the PBX. */
export const innovaphoneDevices: VendorDescriptor<InnovaphoneOptions, 'innovaphone-devices'> = {
  id: 'innovaphone-devices',
  settings: innovaphoneOptions,
  create: createDevicesAdapter,
  editor: {
    fields: ['url', 'app', 'password', 'domain'],
    required: ['url', 'app'],
    urlPlaceholder: 'wss://ap.example.com/example.com/devices/innovaphone-devices',
  },
};
