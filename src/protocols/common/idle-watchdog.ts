/**
 * Keepalive for a socket: after `idleMs` without inbound traffic it calls `onIdle` (send a
 * keepalive or ping); after `deadMs` without inbound traffic it calls `onDead` (terminate, so a
 * half-open socket is noticed). `touch()` on every inbound frame.
 */
export class IdleWatchdog {
  private lastSeen = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private idleSent = false;

  constructor(
    private readonly idleMs: number,
    private readonly deadMs: number,
    private readonly onIdle: () => void,
    private readonly onDead: () => void,
  ) {
    const tick = Math.max(50, Math.min(idleMs, deadMs) / 4);
    this.timer = setInterval(() => this.check(), tick);
  }

  touch(): void {
    this.lastSeen = Date.now();
    this.idleSent = false;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const quiet = Date.now() - this.lastSeen;
    if (quiet >= this.deadMs) {
      this.stop();
      this.onDead();
    } else if (quiet >= this.idleMs && !this.idleSent) {
      this.idleSent = true;
      this.onIdle();
    }
  }
}

/** Sockets dead after this many keepalive intervals of silence. */
export const DEAD_AFTER_INTERVALS = 2.5;
