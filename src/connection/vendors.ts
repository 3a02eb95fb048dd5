import type { AdapterFactory } from '../protocols/common/adapter';
import { SettingError, type VendorDescriptor } from '../protocols/common/vendor';
import { innovaphone } from '../protocols/innovaphone';
import { innovaphoneDevices } from '../protocols/innovaphone-devices';
import { onlinePbx } from '../protocols/onlinepbx';
import { vodia } from '../protocols/vodia';

/** The vendor registry: one line per vendor, each a descriptor from `src/protocols/<vendor>/index.ts`. */
const VENDORS: readonly VendorDescriptor<object>[] = [innovaphone, innovaphoneDevices, onlinePbx, vodia];

/** The vendor a connection node names; a SettingError listing the known ones otherwise. */
export function vendorNamed(id: unknown): VendorDescriptor<object> {
  const vendor = VENDORS.find((v) => v.id === id);
  if (!vendor) throw new SettingError('PBX_INVALID_INPUT', 'vendorUnknown', { vendors: VENDORS.map((v) => v.id).join(', ') });
  return vendor;
}

/** The adapter factory of the vendor a connection's settings name. */
export function adapterFactory(id: string): AdapterFactory {
  const vendor = vendorNamed(id);
  return (settings, events) => vendor.create(settings, events);
}
