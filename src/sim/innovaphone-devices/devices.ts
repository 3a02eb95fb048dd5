import type { AppMessage } from '../innovaphone/app-server';

/** The simulated Devices app's devices: the demo's, how the API shows one, and the GetDevices filter. */

export interface SimDevice {
  id: number;
  hwId: string;
  name: string;
  domainId: number;
  product: string;
  version: string;
  type: string;
  pbxActive: boolean;
  online: boolean;
  categories?: string[];
  ethIfs?: Array<{ if: string; ipv4?: string }>;
}

/** A device of the simulated app, with the fields every simulated phone shares. */
export const simDevice = (
  id: number,
  hwId: string,
  name: string,
  product: string,
  online: boolean,
  domainId = 1,
  categories = ['phones'],
): SimDevice => ({
  id,
  hwId,
  name,
  domainId,
  product,
  version: '14r2 sr5 [14.A525/145250/1100]',
  type: product.startsWith('IP2') ? 'GW' : 'PHONE',
  pbxActive: false,
  online,
  categories,
  ethIfs: [{ if: 'ETH0', ipv4: `10.0.0.${id + 10}` }],
});

export const DEFAULT_DEVICES: SimDevice[] = [
  simDevice(1, '009033aa0001', 'Reception', 'IP112', true),
  simDevice(2, '009033aa0002', 'Office 1', 'IP222', true),
  simDevice(3, '009033aa0003', 'Office 2', 'IP232', false),
  simDevice(4, '009033aa0004', 'Warehouse', 'IP112', true, 2, ['warehouse']),
  simDevice(5, '009033aa0005', 'Gateway', 'IP211', true, 1, []),
];

/** A device as the Devices API shows it (categories are the simulator's own bookkeeping). */
export function plain(device: SimDevice): AppMessage {
  const out: AppMessage = { ...device };
  delete out.categories;
  return out;
}

/** Whether `device` passes the `domainIds` / `categories` filter of a GetDevices request. */
export function matches(request: AppMessage, device: SimDevice): boolean {
  const list = (v: unknown): string[] | undefined => (typeof v === 'string' && v ? v.split(',') : undefined);
  const ids = list(request.domainIds)?.map(Number);
  const categories = list(request.categories);
  return (
    (!ids || ids.includes(device.domainId)) && (!categories || categories.some((k) => device.categories?.includes(k)))
  );
}

/** A long EXPERT script: split over several GetDeviceConfigValueResult chunks. */
export function expertScript(bytes: number): string {
  const line = 'config change CMD0 /cmd ip-config /ip 192.168.0.1 /mask 255.255.255.0\r\n';
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}
