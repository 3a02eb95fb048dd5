import type { ConnectionSettings } from '../protocols/common/adapter';
import { AuthError, errorText } from '../protocols/common/errors';
import { loginWithin } from './login-within';
import { adapterFactory } from './vendors';

export interface LoginCheck {
  ok: boolean;
  /** 'auth' when the PBX refused the credentials. */
  kind?: 'auth' | 'network';
  error?: string;
  /** The error itself, for the node layer to name and translate (not for JSON). */
  failure?: unknown;
}

/** Opens one socket, logs in once and closes again: the editor's "Test connection". */
export async function testLogin(settings: ConnectionSettings): Promise<LoginCheck> {
  const adapter = adapterFactory(settings.vendor)(settings, {
    emit: () => undefined,
    snapshot: () => undefined,
    callSummary: () => undefined,
    users: () => undefined,
    listening: () => false,
    dropped: () => undefined,
    log: () => undefined,
  });
  try {
    await loginWithin(adapter, settings.loginTimeoutMs).opened;
    return { ok: true };
  } catch (err) {
    return { ok: false, kind: err instanceof AuthError ? 'auth' : 'network', error: errorText(err), failure: err };
  } finally {
    await adapter.close();
  }
}
