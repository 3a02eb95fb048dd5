import { randomUUID } from 'crypto';
import { userList } from './directory';
import type { CommandResult, SimPbx } from './pbx';

/**
 * The 2.0 commands of the simulated onlinePBX: their parameters checked, refused with the API's
 * error texts, and carried out by the PBX after the answer.
 */

const PHONE_MODELS = new Set(['yealink', 'cisco']);

export function runCommand(pbx: SimPbx, name: string, p: Record<string, unknown>): CommandResult {
  const s = (k: string): string => (p[k] === undefined || p[k] === null ? '' : String(p[k]).trim());
  const need = (...keys: string[]): string | undefined => keys.find((k) => s(k) === '');
  switch (name) {
    case 'make_call': {
      if (need('from', 'to')) return { ok: false, text: 'MISSING_PARAMETER' };
      const from = s('from');
      const to = s('to');
      const user = pbx.users.get(from);
      if (user && !user.registered) return { ok: false, text: 'USER_NOT_REGISTERED' };
      if (pbx.rejecting.has(to)) return { ok: false, text: 'CALL_REJECTED' };
      const uuid = randomUUID();
      pbx.soon(() => pbx.playCall({ from, to, uuid, answerAfterMs: 60, hangupAfterMs: pbx.makeCallHangupMs }));
      return { ok: true, data: { uuid } };
    }
    case 'transfer': {
      if (need('uuid', 'to')) return { ok: false, text: 'MISSING_PARAMETER' };
      const leg = pbx.channel(s('uuid'));
      if (!leg) return { ok: false, text: 'CHANNEL_NOT_FOUND' };
      pbx.soon(() => pbx.transfer(leg, s('to')));
      return { ok: true };
    }
    case 'bridge': {
      if (need('uuid', 'to_uuid')) return { ok: false, text: 'MISSING_PARAMETER' };
      const a = pbx.channel(s('uuid'));
      const b = pbx.channel(s('to_uuid'));
      if (!a || !b) return { ok: false, text: 'CHANNEL_NOT_FOUND' };
      pbx.soon(() => {
        for (const leg of [a, b]) if (!leg.answered) pbx.answerLeg(leg);
        pbx.emit('channel_bridge', { direction: a.direction, aleg_uuid: a.uuid, bleg_uuid: b.uuid });
      });
      return { ok: true };
    }
    case 'eavesdrop': {
      if (need('uuid', 'from')) return { ok: false, text: 'MISSING_PARAMETER' };
      const target = pbx.channel(s('uuid'));
      if (!target) return { ok: false, text: 'CHANNEL_NOT_FOUND' };
      const from = s('from');
      if (pbx.users.get(from)?.registered === false) return { ok: false, text: 'USER_NOT_REGISTERED' };
      const uuid = randomUUID();
      pbx.soon(() => pbx.eavesdrop(target, from, uuid));
      return { ok: true, data: { uuid } };
    }
    case 'hangup_call': {
      if (need('uuid')) return { ok: false, text: 'MISSING_PARAMETER' };
      const leg = pbx.channel(s('uuid'));
      if (!leg) return { ok: false, text: 'CHANNEL_NOT_FOUND' };
      pbx.soon(() => pbx.endCall(leg.call, 'MANAGER_REQUEST', leg.uuid));
      return { ok: true };
    }
    case 'reboot_phone': {
      if (need('num', 'model')) return { ok: false, text: 'MISSING_PARAMETER' };
      const user = pbx.users.get(s('num'));
      if (!user) return { ok: false, text: 'USER_NOT_FOUND' };
      if (!PHONE_MODELS.has(s('model').toLowerCase())) return { ok: false, text: 'MODEL_NOT_SUPPORTED' };
      if (!user.registered) return { ok: false, text: 'USER_NOT_REGISTERED' };
      pbx.soon(() => pbx.reRegister(user.uid, 80));
      return { ok: true };
    }
    case 'reloadgw':
      if (need('num')) return { ok: false, text: 'MISSING_PARAMETER' };
      return pbx.trunks.has(s('num')) ? { ok: true } : { ok: false, text: 'GATEWAY_NOT_FOUND' };
    case 'sip_message': {
      if (need('num', 'text')) return { ok: false, text: 'MISSING_PARAMETER' };
      if (s('text').length > 200) return { ok: false, text: 'TEXT_TOO_LONG' };
      const user = pbx.users.get(s('num'));
      if (!user) return { ok: false, text: 'USER_NOT_FOUND' };
      return user.registered ? { ok: true } : { ok: false, text: 'USER_NOT_REGISTERED' };
    }
    case 'flush_reg': {
      if (need('num')) return { ok: false, text: 'MISSING_PARAMETER' };
      const user = pbx.users.get(s('num'));
      if (!user) return { ok: false, text: 'USER_NOT_FOUND' };
      if (user.registered) pbx.soon(() => pbx.reRegister(user.uid));
      return { ok: true };
    }
    case 'trunk_list':
      return { ok: true, data: [...pbx.trunks.values()].map((t) => ({ ...t })) };
    case 'user_list':
      return { ok: true, data: userList(pbx.users.values(), pbx.domain) };
    case 'message': {
      if (need('data')) return { ok: false, text: 'MISSING_PARAMETER' };
      const target = s('target') || 'domain';
      if (target !== 'domain' && target !== 'browser') return { ok: false, text: 'INVALID_TARGET' };
      pbx.soon(() => pbx.emit('message', { data: s('data'), target }));
      return { ok: true };
    }
    default:
      return { ok: false, text: 'UNKNOWN_COMMAND' };
  }
}
