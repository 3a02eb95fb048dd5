import type WebSocket from 'ws';
import type { CallShape } from './calls';
import type { SimAccount } from './pbx';
import type { LoginOptions } from './rest';

/** The simulated Vodia PBX's options, what it records of the actions, and a socket's subscriptions. */

export interface VodiaSimOptions extends LoginOptions {
  domain?: string;
  accounts?: SimAccount[];
  callShape?: CallShape;
  /** `calls` as an array (default) or as an object keyed by call id. */
  callsAs?: 'array' | 'map';
  /** An older PBX: initial state only on `get-users` / `get-calls`, not on the subscriptions. */
  legacy?: boolean;
  /**
   * Pushes `domain-state` right after the handshake, before the client said anything. When a
   * real PBX first sends it is not documented [S1]; a client must not lose a frame sent then.
   */
  snapshotOnOpen?: boolean;
  /** The callee of a make-call answers after this long (never when unset). */
  autoAnswerMs?: number;
  /** A make-call ends by itself this long after it started (never when unset); the demo's calls end. */
  makeCallHangupMs?: number;
  /** Answers every chat with an echo from the receiving account. */
  chatAutoReply?: boolean;
}

export interface ReceivedAction {
  action: string;
  frame: Record<string, unknown>;
  /** The extension of the socket that sent it. */
  user: string;
}

export interface Client {
  ws: WebSocket;
  user: string;
  session: string;
  ownCalls: boolean;
  domainCalls: boolean;
  /** Legacy mode: after get-users / get-calls. */
  gotUsers: boolean;
  gotCalls: boolean;
  blf: Set<string>;
}
