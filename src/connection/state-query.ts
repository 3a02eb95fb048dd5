import type { StateKind } from '../model/types';
import { stateOf, type StateEntry, type StateStore } from './state-store';

/** What the answers read: the store, or a view of it. */
export type StoreReader = Pick<StateStore, 'get' | 'entries'>;

/** `pbx-state`'s optional condition: the state is `is`, and has been for at least `forMs`. */
export interface StateCondition {
  is: string;
  forMs: number;
}

export interface KeyAnswer {
  /** A copy of the entry's payload (a flow may change it), or null when the store has no entry. */
  payload: Record<string, unknown> | null;
  known: boolean;
  stale: boolean;
  since?: number;
  /** With a condition: whether it holds (an unknown key never does). */
  holds?: boolean;
}

export interface AllAnswer {
  /** Every entry's payload, sorted by key; with a condition, the ones for which it holds. */
  matching: Array<Record<string, unknown>>;
  /** With a condition: the others. */
  rest: Array<Record<string, unknown>>;
  known: boolean;
  stale: boolean;
}

/**
 * Answers from the store without asking the PBX. `connected` says whether the connection is up:
 * while it is down every answer is stale, also one for a key the store does not know.
 */
export function answerKey(
  store: StoreReader,
  kind: StateKind,
  key: string,
  connected: boolean,
  condition: StateCondition | undefined,
  now: number,
): KeyAnswer {
  const entry = store.get(kind, key);
  if (!entry) return { payload: null, known: false, stale: !connected, ...(condition && { holds: false }) };
  const answer: KeyAnswer = {
    payload: copyOf(entry),
    known: true,
    stale: entry.stale || !connected,
    since: entry.since,
  };
  if (condition) answer.holds = holds(kind, entry, condition, now);
  return answer;
}

export function answerAll(
  store: StoreReader,
  kind: StateKind,
  connected: boolean,
  condition: StateCondition | undefined,
  now: number,
): AllAnswer {
  const answer: AllAnswer = { matching: [], rest: [], known: false, stale: !connected };
  for (const [, entry] of store.entries(kind)) {
    answer.known = true;
    if (entry.stale) answer.stale = true;
    if (!condition || holds(kind, entry, condition, now)) answer.matching.push(copyOf(entry));
    else answer.rest.push(copyOf(entry));
  }
  return answer;
}

function holds(kind: StateKind, entry: Readonly<StateEntry>, c: StateCondition, now: number): boolean {
  return String(stateOf(kind, entry.payload)) === c.is && now - entry.since >= c.forMs;
}

function copyOf(entry: Readonly<StateEntry>): Record<string, unknown> {
  return { ...(entry.payload as Record<string, unknown>) };
}
