/** Error classes shared by every protocol client; the connection layer reacts to their type. */

/** The PBX rejected our credentials: retried only at the backoff cap. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
}

/** The socket went away while a request was pending, or there was no socket. */
export class DisconnectedError extends Error {
  override readonly name = 'DisconnectedError';
}

/** The PBX answered a request with an error. `detail` is the vendor's reply. */
export class PbxRequestError extends Error {
  override readonly name = 'PbxRequestError';
  constructor(
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

/** A request got no answer in time. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** The vendor cannot do what was asked (e.g. make_call over onlinePBX API 3.0). */
export class UnsupportedError extends Error {
  override readonly name = 'UnsupportedError';
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
