export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** 0..1: the delay is drawn uniformly from [delay*(1-jitter), delay]. */
  jitter: number;
}

/** 1 s doubling to a 30 s cap, as innovaphone's own client and socket.io do, with "equal jitter". */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 30000, jitter: 0.5 };

/**
 * Delay before reconnect attempt `attempt` (0 = the first retry). Jitter keeps many Node-RED
 * instances behind one PBX from reconnecting in lockstep after a PBX restart.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exp * (1 - policy.jitter * random()));
}
