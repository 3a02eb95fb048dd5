// PLACEHOLDER until the vodia client lands: replace this whole file.
import type { AdapterFactory } from '../common/adapter';
import { UnsupportedError } from '../common/errors';

export const createVodiaAdapter: AdapterFactory = () => ({
  channels: new Set(),
  operations: new Set(),
  open: () => Promise.reject(new UnsupportedError('vodia: not built yet')),
  close: () => undefined,
  watch: () => Promise.resolve(),
  unwatch: () => undefined,
  perform: () => Promise.reject(new UnsupportedError('vodia: not built yet')),
  suggestions: () => Promise.resolve([]),
});
