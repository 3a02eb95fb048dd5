/** A call as the simulated onlinePBX plays it: its FreeSWITCH channels (legs) and its script. */

export interface Leg {
  uuid: string;
  direction: 'inbound' | 'outbound';
  /** The number of the party this channel connects (endpoint user). */
  number: string;
  caller: string;
  destination: string;
  created: number;
  answered: boolean;
  held: boolean;
  call: SimCall;
}

export interface SimCall {
  id: string;
  from: string;
  to: string;
  a: Leg;
  b?: Leg;
  listeners: Leg[];
  started: number;
  answeredAt?: number;
  timers: Set<NodeJS.Timeout>;
  ended: boolean;
}

export interface PlayCall {
  from: string;
  to: string;
  /** Ring this long, then answer; `null` = nobody answers. Default 50 ms. */
  answerAfterMs?: number | null;
  /** Talk (or, unanswered, ring) this long, then hang up. Default 200 ms; `null` = until hung up. */
  hangupAfterMs?: number | null;
  /** Hangup cause when the call ends by itself. Default NORMAL_CLEARING (answered) / NO_ANSWER. */
  cause?: string;
  /** Use this uuid for the caller's channel (make_call answers it before the events). */
  uuid?: string;
}
