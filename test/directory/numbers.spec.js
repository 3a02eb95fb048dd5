'use strict';
// Number normalization: the contract's example numbers are one number; extensions stay as they
// are; the PBX's outside-line prefix goes first; innovaphone's GetNodeInfo fills what is empty.
const assert = require('assert');
const { numberKey, reportedKey, planWith, countryOfCallingCode } = require('../../dist/connection/directory/numbers');

const berlin = { country: 'DE', areaCode: '30', outsidePrefix: '0', internalDigits: 6 };

describe('phone book numbers', () => {
  it('reads the contract example numbers as one E.164 number', () => {
    for (const written of [
      '+49 30 1234567',
      '0049 30 1234567',
      '030/1234567',
      '(030) 123-4567',
      '1234567',
      'tel:+49-30-1234567',
    ]) {
      assert.strictEqual(numberKey(written, berlin), '+49301234567', written);
    }
  });

  it('keeps extensions and feature codes as they are', () => {
    assert.strictEqual(numberKey('204', berlin), '204');
    assert.strictEqual(numberKey('*45', berlin), '*45');
    assert.strictEqual(reportedKey('204', berlin), '204');
    assert.strictEqual(numberKey('1234567', { ...berlin, internalDigits: 7 }), '1234567');
  });

  it('strips the outside-line prefix of numbers the PBX reports', () => {
    assert.strictEqual(reportedKey('00301234567', berlin), '+49301234567');
    assert.strictEqual(reportedKey('0004930 1234567', berlin), '+49301234567');
    assert.strictEqual(reportedKey('01234567', berlin), '+49301234567', 'a local number behind the prefix');
    assert.strictEqual(reportedKey('+49 30 1234567', berlin), '+49301234567', 'a + number has no prefix');
    assert.strictEqual(reportedKey('0301234567', { ...berlin, outsidePrefix: '' }), '+49301234567');
  });

  it('reads Russian numbers with the national prefix 8', () => {
    const moscow = { country: 'RU', areaCode: '495', outsidePrefix: '', internalDigits: 4 };
    for (const written of ['+7 495 123-45-67', '8 (495) 123-45-67', '123-45-67']) {
      assert.strictEqual(numberKey(written, moscow), '+74951234567', written);
    }
  });

  it('reads a number with its country code but no + as that number, not as a local one (onlinePBX: 74951234567)', () => {
    const moscow = { country: 'RU', areaCode: '495', outsidePrefix: '', internalDigits: 4 };
    assert.strictEqual(reportedKey('74951234567', moscow), '+74951234567');
    assert.strictEqual(reportedKey('79161234567', moscow), '+79161234567');
    assert.strictEqual(reportedKey('1234567', moscow), '+74951234567', 'a local number still gets the area code');
    const munich = { country: 'DE', areaCode: '89', outsidePrefix: '', internalDigits: 6 };
    assert.strictEqual(reportedKey('4930123456', munich), '+4930123456');
    assert.strictEqual(reportedKey('4912345', munich), '+49894912345', 'too short for a whole number: local');
  });

  it('matches numbers without a country code as written when no country is known', () => {
    const none = { areaCode: '', outsidePrefix: '', internalDigits: 6 };
    assert.strictEqual(numberKey('030/1234567', none), '0301234567');
    assert.strictEqual(numberKey('+49 30 1234567', none), '+49301234567');
    assert.strictEqual(numberKey('-', none), undefined);
  });

  it("takes the country and outside-line prefix from innovaphone's GetNodeInfo where left empty", () => {
    const empty = { areaCode: '', outsidePrefix: '', internalDigits: 6 };
    const plan = planWith(empty, { countryCode: '49', prefixIntl: '000', prefixNtl: '00', prefixSubs: '' });
    assert.strictEqual(plan.country, 'DE');
    assert.strictEqual(plan.outsidePrefix, '0');
    assert.strictEqual(reportedKey('0004930 1234567', plan), '+49301234567');
    const own = planWith({ ...empty, country: 'AT', outsidePrefix: '9' }, { countryCode: '49', prefixNtl: '00' });
    assert.deepStrictEqual([own.country, own.outsidePrefix], ['AT', '9'], 'the directory settings win');
    assert.strictEqual(countryOfCallingCode('1'), 'US');
  });
});
