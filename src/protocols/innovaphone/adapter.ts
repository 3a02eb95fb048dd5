// PLACEHOLDER until the innovaphone client lands: replace this whole file.
import type { AdapterFactory } from '../common/adapter';
import { UnsupportedError } from '../common/errors';

export const createInnovaphoneAdapter: AdapterFactory = () => ({
  channels: new Set(),
  operations: new Set(),
  open: () => Promise.reject(new UnsupportedError('innovaphone: not built yet')),
  close: () => undefined,
  watch: () => Promise.resolve(),
  unwatch: () => undefined,
  perform: () => Promise.reject(new UnsupportedError('innovaphone: not built yet')),
  suggestions: () => Promise.resolve([]),
});
