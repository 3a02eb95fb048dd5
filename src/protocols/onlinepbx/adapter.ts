// PLACEHOLDER until the onlinepbx client lands: replace this whole file.
import type { AdapterFactory } from '../common/adapter';
import { UnsupportedError } from '../common/errors';

export const createOnlinePbxAdapter: AdapterFactory = () => ({
  channels: new Set(),
  operations: new Set(),
  open: () => Promise.reject(new UnsupportedError('onlinepbx: not built yet')),
  close: () => undefined,
  watch: () => Promise.resolve(),
  unwatch: () => undefined,
  perform: () => Promise.reject(new UnsupportedError('onlinepbx: not built yet')),
  suggestions: () => Promise.resolve([]),
});
