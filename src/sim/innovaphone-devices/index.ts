export { DevicesSim, type DevicesSimOptions } from './server';
export { DEFAULT_DEVICES, expertScript, type SimDevice } from './devices';
export { DEMO, startDemo } from './demo';
