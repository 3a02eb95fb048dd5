'use strict';
// The presence normalization table of src/protocols/innovaphone/normalize.ts (also in the pbx-presence-in help).
const assert = require('assert');
const { statusOf, presenceOf, presenceTarget } = require('../../dist/protocols/innovaphone/normalize');

describe('innovaphone presence model', () => {
  it('maps the newest entry to the normalized status', () => {
    const cases = [
      [{ activity: 'dnd', status: 'open' }, 'dnd'],
      [{ activity: 'busy', status: 'open' }, 'busy'],
      [{ activity: 'on-the-phone', status: 'open' }, 'busy'],
      [{ activity: 'away', status: 'open' }, 'away'],
      [{ activity: 'lunch', status: 'open' }, 'away'],
      [{ activity: '', status: 'open' }, 'available'],
      [{ activity: '', status: 'closed' }, 'offline'],
      [{}, 'unknown'],
      [undefined, 'unknown'],
    ];
    for (const [entry, status] of cases) assert.strictEqual(statusOf(entry), status, JSON.stringify(entry));
  });

  it('uses the phone entry, keeps the endpoint info, keeps the endpoint info, and is lenient with odd input', () => {
    const p = presenceOf('alice', { sip: 'alice', num: '201', dn: 'Alice' }, [
      { contact: 'tel:', status: 'open', activity: 'busy', note: 'call' },
      { contact: 'im:', status: 'open', activity: '', note: '' },
    ]);
    assert.deepStrictEqual(
      { ...p, presence: undefined },
      {
        user: 'alice',
        sip: 'alice',
        num: '201',
        dn: 'Alice',
        status: 'busy',
        activity: 'busy',
        note: 'call',
        presence: undefined,
      },
    );
    assert.strictEqual(presenceOf('x', { up: false }, [{ status: 'open' }]).status, 'unknown');
    assert.strictEqual(presenceOf('x', undefined, 'garbage').status, 'unknown');
    assert.strictEqual(presenceOf('x', undefined, [null]).status, 'unknown');
  });

  it('takes the status from the phone item, never from an app item (issue 26, go-myapps live list)', () => {
    // The list as ricoschulte/go-myapps' tests show it, with an app's badge item posted on top.
    const list = [
      { contact: 'app:badgeapp', status: 'open', activity: '', note: '#badge:3' },
      { contact: 'tel:', activity: 'busy', status: 'closed' },
      { contact: 'im:', activity: '', status: 'open' },
    ];
    const p = presenceOf('bob', undefined, list);
    assert.deepStrictEqual([p.status, p.activity, p.note], ['busy', 'busy', undefined]);
    assert.strictEqual(p.presence, list, 'every item stays in payload.presence');
    const noPhone = presenceOf('bob', undefined, [
      list[0],
      { contact: 'im:', status: 'open', activity: 'dnd', note: 'focus' },
    ]);
    assert.deepStrictEqual([noPhone.status, noPhone.note], ['dnd', 'focus']);
    assert.strictEqual(presenceOf('bob', undefined, [list[0]]).status, 'unknown', 'only app items: nobody said');
    assert.strictEqual(
      presenceOf('bob', undefined, [{ status: 'open' }]).status,
      'available',
      'an item without contact is the person',
    );
  });

  it('subscribes numbers by num and names by sip', () => {
    assert.deepStrictEqual(presenceTarget('204'), { num: '204' });
    assert.deepStrictEqual(presenceTarget('+49711'), { num: '+49711' });
    assert.deepStrictEqual(presenceTarget('alice'), { sip: 'alice' });
  });
});
