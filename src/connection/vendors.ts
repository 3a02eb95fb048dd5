import type { AdapterFactory } from '../protocols/common/adapter';
import { SettingError, type VendorDescriptor, type VendorEditor } from '../protocols/common/vendor';
import { innovaphone } from '../protocols/innovaphone';
import { innovaphoneDevices } from '../protocols/innovaphone-devices';
import { onlinePbx } from '../protocols/onlinepbx';
import { vodia } from '../protocols/vodia';

/** The vendor registry: one line per vendor, each a descriptor from `src/protocols/<vendor>/index.ts`. */
const VENDORS: readonly VendorDescriptor<object>[] = [innovaphone, innovaphoneDevices, onlinePbx, vodia];

/** The vendor a connection node names; a SettingError listing the known ones otherwise. */
export function vendorNamed(id: unknown): VendorDescriptor<object> {
  const vendor = VENDORS.find((v) => v.id === id);
  if (!vendor) throw new SettingError('PBX_INVALID_INPUT', 'vendorUnknown', { vendors: vendorIds().join(', ') });
  return vendor;
}

/** The adapter factory of the vendor a connection's settings name. */
export function adapterFactory(id: string): AdapterFactory {
  const vendor = vendorNamed(id);
  return (settings, events) => vendor.create(settings, events);
}

/** The registered vendors' ids, in registry order: what tests, bench and `npm start` go through. */
export function vendorIds(): string[] {
  return VENDORS.map((v) => v.id);
}

/** What the `pbx-connection` dialog shows of each vendor, in registry order (plain JSON). */
export function vendorEditors(): (VendorEditor & { id: string })[] {
  return VENDORS.map((v) => ({ id: v.id, ...v.editor }));
}
