import type { OperationResult } from '../../common/adapter';
import { PbxRequestError, UnsupportedError } from '../../common/errors';
import type { CallControlParams } from '../../common/operations';
import { integerOf } from '../../common/values';
import { HOLD } from './call-state';
import type { CallTable } from './calls';
import {
  failure,
  userClear,
  userConnect,
  userDtmf,
  userHold,
  userRedirect,
  userRetrieve,
  userTransfer,
  type RccDestination,
  type RccMessage,
} from './messages';

const VENDOR = 'innovaphone';

/** What call control needs of the RCC session it runs on. */
export interface CallControlLink {
  readonly calls: CallTable;
  /** Resolves once RCC runs on this socket, within the time left. */
  started(deadline: number): Promise<unknown>;
  /** The handle a User* request names the call by (see `RccSession.callHandle`). */
  callHandle(callId: string, deadline: number): Promise<number>;
  destination(to: string): RccDestination;
  /** The UserPickup request for `callId`, picked up by `params.user` (else `params.to`). */
  pickupRequest(callId: string, params: CallControlParams, deadline: number): Promise<RccMessage>;
  request(msg: RccMessage, deadline: number): Promise<RccMessage>;
}

interface ActionInput {
  link: CallControlLink;
  callId: string;
  params: CallControlParams;
  deadline: number;
  /** The answer's payload: an action adds what it decided (`retrieve`, `to`, ...). */
  payload: Record<string, unknown>;
}

/**
 * Each call control action and the RCC request it becomes. Parameters are checked before any
 * handle is asked for, as a handle may cost a UserInitialize at the PBX.
 */
const REQUESTS = new Map<string, (input: ActionInput) => Promise<RccMessage>>([
  // UserClear with cause 16 unless the flow gives `cause`.
  [
    'hangup',
    async ({ link, callId, params, deadline }) => userClear(await link.callHandle(callId, deadline), params.cause),
  ],
  ['answer', async ({ link, callId, deadline }) => userConnect(await link.callHandle(callId, deadline))],
  // `retrieve:true|false` decides; without it the call's own hold bit toggles.
  [
    'hold',
    async ({ link, callId, params, deadline, payload }) => {
      const call = await link.callHandle(callId, deadline);
      const retrieve = params.retrieve ?? ((link.calls.idsOf(callId)?.state ?? 0) & HOLD) !== 0;
      payload.retrieve = retrieve;
      return retrieve ? userRetrieve(call) : userHold(call, params.remote);
    },
  ],
  // `toCallId`: UserTransfer of two calls of one user; else `to`: blind, UserRedirect.
  [
    'transfer',
    async ({ link, callId, params, deadline, payload }) => {
      const other = params.toCallId;
      if (other) {
        const a = await link.callHandle(callId, deadline);
        const req = userTransfer(a, await link.callHandle(other, deadline));
        payload.toCallId = other;
        return req;
      }
      const to = params.to;
      if (!to)
        throw new TypeError(
          'transfer: payload.toCallId (connects two calls of one user) or payload.to (blind transfer) is required',
        );
      const req = userRedirect(await link.callHandle(callId, deadline), link.destination(to));
      payload.to = to;
      return req;
    },
  ],
  [
    'redirect',
    async ({ link, callId, params, deadline, payload }) => {
      const to = params.to;
      if (!to) throw new TypeError('redirect: payload.to (number or name) is required');
      const req = userRedirect(await link.callHandle(callId, deadline), link.destination(to));
      payload.to = to;
      return req;
    },
  ],
  ['pickup', ({ link, callId, params, deadline }) => link.pickupRequest(callId, params, deadline)],
  [
    'dtmf',
    async ({ link, callId, params, deadline, payload }) => {
      const digits = params.digits;
      if (!digits) throw new TypeError('dtmf: payload.digits is required');
      const req = userDtmf(await link.callHandle(callId, deadline), digits);
      payload.digits = digits;
      return req;
    },
  ],
]);

/** The call control actions RCC offers; anything else is refused naming vendor and action. */
export const RCC_ACTIONS: ReadonlySet<string> = new Set(REQUESTS.keys());

/**
 * One call control action (`params.action`) on `params.callId`: its request is sent once RCC
 * runs; a pickup answers with the new call's id.
 */
export async function controlCall(
  link: CallControlLink,
  params: CallControlParams,
  timeoutMs: number,
): Promise<OperationResult> {
  const { action, callId } = params;
  const toRequest = REQUESTS.get(action);
  if (!toRequest) {
    throw new UnsupportedError(
      `${VENDOR} does not support the call control action '${action}' (RCC offers ${[...RCC_ACTIONS].join(', ')})`,
    );
  }
  const deadline = Date.now() + timeoutMs;
  if (!callId) throw new TypeError(`${action}: payload.callId is required`);
  await link.started(deadline);
  const payload: Record<string, unknown> = { callId, action };
  const req = await toRequest({ link, callId, params, deadline, payload });
  const res = await link.request(req, deadline);
  const err = failure(res);
  if (err) throw new PbxRequestError(`${VENDOR} RCC ${String(req.mt)} (${action} ${callId}): ${err}`, res);
  if (action === 'pickup') {
    const picked = integerOf(res.call);
    if (picked !== undefined) payload.newCallId = link.calls.callIdOfHandle(picked) ?? String(picked);
  }
  return { payload, raw: res };
}
