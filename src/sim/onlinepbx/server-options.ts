import type { SimApiVersion } from './api';
import type { SimTrunk, SimUser } from './directory';
import type { SimPbx } from './pbx';

/** What a test or the demo sets on a simulated onlinePBX endpoint, and what it reads back. */

/** What the 2.0 handshake answers instead of a session: 503, a web page, or no websocket transport. */
export type HandshakeFault = 'unavailable' | 'garbage' | 'no-websocket' | undefined;

export interface OnlinePbxSimOptions {
  /** `2`: socket.io 0.9 (handshake + `/socket.io/1/websocket/<sid>`); `3`: JSON WebSocket at `/?key=`. */
  apiVersion?: SimApiVersion;
  domain?: string;
  apiKey?: string;
  /** A PBX shared with another front (the demo runs 2.0 and 3.0 on one PBX). */
  pbx?: SimPbx;
  users?: SimUser[];
  trunks?: SimTrunk[];
  /**
   * 2.0: the server sends `2::` this often. A stock server says 25 s; the default is short so
   * tests with a short keepalive see traffic (the demo uses the stock value).
   */
  heartbeatIntervalMs?: number;
  /** 2.0: announced in the handshake, and a client that does not echo `2::` in time is dropped. */
  heartbeatTimeoutS?: number;
  /** 2.0: announced in the handshake. */
  closeTimeoutS?: number;
  /**
   * 3.0: the frame shapes. `spec` (default): the spec's, `call_end` names the call in
   * `call_uuid`, errors carry `data.message`. `ws-types`: as the typed 3.0 client of a working
   * amoCRM integration (`ws-types.ts`) declares them: `call_end` has the call's id in `uuid`
   * and no `call_uuid`, errors carry `message` at the top level.
   */
  v3Shapes?: 'spec' | 'ws-types';
}

export interface ReceivedCommand {
  command: string;
  data: Record<string, unknown>;
  /** 2.0: the callback_hash; 3.0: the reqId. */
  id?: unknown;
}
