import type { AdapterEvents } from '../../common/adapter';
import type { RccMessage } from './messages';

/** What an RCC session is given, and where it stands on the socket. */

export interface RccSessionOptions {
  /**
   * Sends an RCC request and resolves with its `<mt>Result` (matched by `src`). Indications the
   * request causes (UserInfo, CallAdd, CallInfo) must reach `handle` as well.
   */
  request(msg: RccMessage, timeoutMs: number): Promise<RccMessage>;
  events: Pick<AdapterEvents, 'emit' | 'snapshot' | 'listening' | 'users' | 'log'>;
  /** The initial user (and call) list streams at 50 users per 20 ms tick before its result. */
  initializeTimeoutMs?: number;
  /** For the UserInitialize requests that restore controlled users after a reconnect. */
  requestTimeoutMs?: number;
  /**
   * After a reconnect, how long to wait past the last restore result for the `CallInfo` of calls
   * in progress before the calls not listed again are reported `ended`. The PBX sends them right
   * after `UserInitializeResult` (inferred from the SOAP API it is modelled on [S1 soap.htm]); the
   * wait only covers frames already on their way.
   */
  settleMs?: number;
  /** How long call control waits for the `CallInfo` of a call known only from `CallAdd`. */
  legWaitMs?: number;
}

/** A user RCC initializes: its cn and, optionally, the device (hw id) to use. */
export interface UserKey {
  cn: string;
  hw?: string;
}

/**
 * Where RCC stands on the socket. `socket` counts the sockets lost so far: work started on one
 * socket compares it to drop what arrives after that socket is gone.
 */
export type RccPhase =
  /** Not logged in; `used`: RCC ran before and starts again on the next connect. */
  | { readonly name: 'offline'; readonly socket: number; readonly used: boolean }
  /** Logged in, RCC not started on this socket (or its Initialize failed: tried again on next use). */
  | { readonly name: 'online'; readonly socket: number; readonly used: boolean }
  /** The Initialize sent at `sentAt` has not answered yet. */
  | {
      readonly name: 'initializing';
      readonly socket: number;
      readonly ready: Promise<RccMessage>;
      readonly sentAt: number;
    }
  /** Initialize succeeded on this socket: RCC is granted and running. */
  | { readonly name: 'running'; readonly socket: number; readonly ready: Promise<RccMessage> };
