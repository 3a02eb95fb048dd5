import type { VendorAdapter } from '../protocols/common/adapter';

export interface LoginAttempt {
  /** Resolves when the adapter is logged in; rejects with its error, or after the timeout. */
  opened: Promise<void>;
  /** Stops the timeout (the connection closed while the login was out). */
  cancel(): void;
}

/**
 * `adapter.open()` against a deadline: a PBX that accepts the TCP connection and never answers
 * the login must not leave the connection "connecting" for ever. The connection and the
 * editor's "Test connection" share it, so both give up alike.
 */
export function loginWithin(adapter: VendorAdapter, timeoutMs: number): LoginAttempt {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no login within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  const cancel = (): void => clearTimeout(timer);
  const opened = Promise.race([adapter.open(), timedOut]).finally(cancel);
  return { opened, cancel };
}
