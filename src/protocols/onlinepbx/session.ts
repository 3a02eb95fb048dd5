import type { ConnectionOptions } from 'tls';
import type { LogLevel } from '../common/adapter';

/** One socket of either API generation, from handshake to close. A new one per (re)connect. */
export interface PbxSession {
  /** Connects; resolves once the PBX accepted the session. Rejects AuthError for a wrong key. */
  open(): Promise<void>;
  /** Ends the session now; pending requests reject. No callback fires afterwards. Idempotent. */
  /** Resolves once the socket is closed (after its goodbye, or cut off). */
  close(): Promise<void>;
  /** Sends a command; resolves with its successful reply, rejects PbxRequestError on a failure reply. */
  request(command: string, data: Record<string, unknown>, timeoutMs: number): Promise<Reply>;
}

export interface Reply {
  /** The reply's `data` (may be undefined). */
  data: unknown;
  /** 2.0: the reply object `{status, data?, text?, hash}`; 3.0: the `data` of the result event. */
  reply: unknown;
  /** The frame object as the PBX sent it. */
  raw: unknown;
}

export interface SessionOptions {
  url: string;
  domain: string;
  key: string;
  tls: ConnectionOptions;
  /** Handshake, WebSocket upgrade and the PBX's go-ahead each within this. */
  timeoutMs: number;
  keepaliveMs: number;
}

export interface SessionEvents {
  /** Every event the PBX sends (replies included): name, its data, the frame object. */
  onEvent(name: string, data: unknown, raw: unknown): void;
  /** The opened session is gone (called once, never for a failed open nor after close()). */
  onGone(reason: string): void;
  log(level: LogLevel, text: string): void;
}
