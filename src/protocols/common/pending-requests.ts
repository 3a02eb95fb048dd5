import { DisconnectedError, TimeoutError } from './errors';

interface Pending<T> {
  resolve(value: T): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  label: string;
}

/**
 * The one request-correlation map of the package: every protocol keys its pending requests
 * here (innovaphone `src`, onlinePBX `callback_hash`, API 3.0 `reqId`), each with a timeout,
 * and all are rejected at once when the socket drops.
 */
export class PendingRequests<T = unknown> {
  private readonly pending = new Map<string, Pending<T>>();

  get size(): number {
    return this.pending.size;
  }

  has(key: string): boolean {
    return this.pending.has(key);
  }

  /** Registers `key` and returns the promise its answer settles. `label` names it in errors. */
  add(key: string, timeoutMs: number, label: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        reject(new TimeoutError(`${label}: no answer within ${Math.round(timeoutMs / 100) / 10} s`));
      }, timeoutMs);
      this.pending.set(key, { resolve, reject, timer, label });
    });
  }

  resolve(key: string, value: T): boolean {
    const p = this.take(key);
    if (p) p.resolve(value);
    return !!p;
  }

  reject(key: string, err: Error): boolean {
    const p = this.take(key);
    if (p) p.reject(err);
    return !!p;
  }

  /** Fails every pending request, e.g. when the socket closes. */
  rejectAll(reason: string): void {
    for (const [key, p] of this.pending) {
      this.pending.delete(key);
      clearTimeout(p.timer);
      p.reject(new DisconnectedError(`${p.label}: ${reason}`));
    }
  }

  private take(key: string): Pending<T> | undefined {
    const p = this.pending.get(key);
    if (!p) return undefined;
    this.pending.delete(key);
    clearTimeout(p.timer);
    return p;
  }
}
