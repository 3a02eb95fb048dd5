import {
  AuthError,
  DisconnectedError,
  PbxRequestError,
  TimeoutError,
  UnsupportedError,
  errorText,
} from '../protocols/common/errors';
import type { NodeAPI } from './red';

/**
 * The catalog of the texts every node shares (`nodes/locales/<lang>/pbx-connection.json`): status
 * texts, error texts, test-connection results. Full keys, so any node's `RED._` finds them.
 */
export const SHARED = '@pbxflow/node-red-pbx/pbx-connection:pbx-connection.';

/**
 * Stable error codes (`msg.error.code` in a Catch node): the same in every language, so a flow
 * that branches on an error works whatever language the runtime speaks.
 */
export type ErrorCode =
  | 'PBX_AUTH_FAILED'
  | 'PBX_DISCONNECTED'
  | 'PBX_TIMEOUT'
  | 'PBX_REJECTED'
  | 'PBX_UNSUPPORTED'
  | 'PBX_INVALID_INPUT'
  | 'PBX_MISSING_PROPERTY'
  | 'PBX_NO_CONNECTION'
  | 'PBX_ERROR';

/** An error of the node layer: its text is the catalog entry `errors.<key>` with `params`. */
export class NodeError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly key: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(`${code}: ${key} ${JSON.stringify(params)}`);
  }
}

/** An error translated for Node-RED: `done(err)` copies `code` into `msg.error.code`. */
export class LocalizedError extends Error {
  constructor(
    message: string,
    name: string,
    readonly code: ErrorCode,
  ) {
    super(message);
    // The text before the message stays what it was (`TimeoutError: …`).
    this.name = name;
  }
}

export interface ErrorDescription {
  code: ErrorCode;
  /** The catalog entry under `errors.`: the code itself for the protocols' errors. */
  key: string;
  /** Its parameters; the protocols' (and the PBX's own) text is `detail`. */
  params: Record<string, unknown>;
}

/**
 * What an error is, as catalog entry and code. The protocol layer speaks no Node-RED: its text
 * (which carries the PBX's own answer) becomes the `detail` of the entry of its kind.
 */
export function describeError(err: unknown): ErrorDescription {
  if (err instanceof NodeError) return { code: err.code, key: err.key, params: err.params };
  const code = codeOf(err);
  return { code, key: code, params: { detail: errorText(err) } };
}

function codeOf(err: unknown): ErrorCode {
  if (err instanceof AuthError) return 'PBX_AUTH_FAILED';
  if (err instanceof DisconnectedError) return 'PBX_DISCONNECTED';
  if (err instanceof TimeoutError) return 'PBX_TIMEOUT';
  if (err instanceof PbxRequestError) return 'PBX_REJECTED';
  if (err instanceof UnsupportedError) return 'PBX_UNSUPPORTED';
  if (err instanceof TypeError) return 'PBX_INVALID_INPUT';
  return 'PBX_ERROR';
}

/** The error in the runtime's language, with its stable code; one already translated stays. */
export function localError(RED: NodeAPI, err: unknown): LocalizedError {
  if (err instanceof LocalizedError) return err;
  const { code, key, params } = describeError(err);
  const name = err instanceof Error && !(err instanceof NodeError) ? err.name : 'Error';
  return new LocalizedError(RED._(`${SHARED}errors.${key}`, params), name, code);
}
