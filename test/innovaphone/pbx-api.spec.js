'use strict';
// pbx-profile's requests in the shapes of the PbxApi doc (seed 000).
const assert = require('assert');
const { checkProfile } = require('../../dist/protocols/common/operations');
const pbxApi = require('../../dist/protocols/innovaphone/pbx-api');

// What the connection hands the adapter: the flow's fields, checked.
const profileRequest = (fields, current) => pbxApi.profileRequest(checkProfile(fields), current);

const MONITORED = { id: 1, name: 'Favourites' };

describe('innovaphone PbxApi profile requests', () => {
  it('addContact: contact {dn, sip, num}, and the monitored profile keeps its name', () => {
    assert.deepStrictEqual(profileRequest({ action: 'addContact', sip: 'bob', num: '202', dn: 'Bob B' }, MONITORED), {
      api: 'PbxApi',
      mt: 'AddProfileContact',
      id: 1,
      name: 'Favourites',
      contact: { dn: 'Bob B', sip: 'bob', num: '202' },
    });
    // Another profile (created when missing) gets the name the flow gives.
    const other = profileRequest({ action: 'addContact', id: 7, name: 'Team', sip: 'bob' }, MONITORED);
    assert.deepStrictEqual([other.id, other.name], [7, 'Team']);
  });

  it('updateContact: a favourite object, with the SIP URI as name and the display name as dsp', () => {
    assert.deepStrictEqual(
      profileRequest(
        { action: 'updateContact', contactId: '11', sip: 'bobby', dn: 'Bobby B', num: '299', presence: false },
        MONITORED,
      ),
      {
        api: 'PbxApi',
        mt: 'UpdateProfileContact',
        id: 1,
        contact: { name: 'bobby', num: '299', dsp: 'Bobby B', presence: false, id: 11 },
      },
    );
    const given = profileRequest({ action: 'updateContact', contact: { id: 11, dsp: 'R' } }, MONITORED);
    assert.deepStrictEqual(given.contact, { id: 11, dsp: 'R' });
  });

  it('deleteContact: contact {id} only', () => {
    assert.deepStrictEqual(
      profileRequest({ action: 'deleteContact', contactId: 10, sip: 'bob', dn: 'Bob' }, MONITORED),
      {
        api: 'PbxApi',
        mt: 'DelProfileContact',
        id: 1,
        contact: { id: 10 },
      },
    );
    assert.deepStrictEqual(profileRequest({ action: 'deleteContact', contact: { id: 12 } }, MONITORED).contact, {
      id: 12,
    });
  });

  it('profiles: AddProfile {name}, UpdateProfile {id, name}, DelProfile {id}', () => {
    assert.deepStrictEqual(profileRequest({ action: 'addProfile', name: 'Team' }, MONITORED), {
      api: 'PbxApi',
      mt: 'AddProfile',
      name: 'Team',
    });
    assert.deepStrictEqual(profileRequest({ action: 'renameProfile', id: 2, name: 'T2' }, MONITORED), {
      api: 'PbxApi',
      mt: 'UpdateProfile',
      id: 2,
      name: 'T2',
    });
    assert.deepStrictEqual(profileRequest({ action: 'deleteProfile', id: 2 }, MONITORED), {
      api: 'PbxApi',
      mt: 'DelProfile',
      id: 2,
    });
  });
});
