'use strict';
// The Devices model: device extraction (object or one-element array), passthrough URLs, joined
// multi-part results, and config password decryption with the AppWebsocket encryption function.
const assert = require('assert');
const {
  deviceOf,
  devicesBase,
  passthroughUrl,
  joinParts,
  decryptConfig,
} = require('../../dist/protocols/innovaphone-devices/normalize');
const { encrypt, sessionKey } = require('../../dist/protocols/innovaphone/crypto');

describe('innovaphone Devices model', () => {
  it('takes the device from an object, a one-element array or the message itself', () => {
    assert.deepStrictEqual(deviceOf({ device: { hwId: 'a' } }), { hwId: 'a' });
    assert.deepStrictEqual(deviceOf({ device: [{ hwId: 'b' }] }), { hwId: 'b' });
    assert.deepStrictEqual(deviceOf({ mt: 'DeviceRemoved', src: 's', id: 3 }), { id: 3 });
    assert.strictEqual(deviceOf({ mt: 'GetProvisionedDeviceResult', code: '1' }), undefined);
    assert.strictEqual(deviceOf({ device: null }), undefined);
  });

  it('builds passthrough URLs from the instance URL', () => {
    const base = devicesBase('wss://ap.example.com/example.com/devices/innovaphone-devices');
    assert.strictEqual(base, 'https://ap.example.com/example.com/devices');
    assert.strictEqual(
      passthroughUrl(base, '009033020202', '0e6ff4c7-7a88-40c4-98eb-8c91903933e6'),
      'https://ap.example.com/example.com/devices/passthrough/009033020202/0e6ff4c7-7a88-40c4-98eb-8c91903933e6/',
    );
    assert.strictEqual(devicesBase('ws://127.0.0.1:1/d/x'), 'http://127.0.0.1:1/d');
  });

  it('joins array fields of multi-part results', () => {
    assert.deepStrictEqual(
      joinParts([
        { mt: 'R', devices: [1, 2] },
        { mt: 'R', devices: [3], last: true },
      ]),
      { mt: 'R', devices: [1, 2, 3], last: true },
    );
  });

  it('decrypts turnPassword with the turnServer seed and logPassword with the url seed (an explicit seed wins)', () => {
    const key = sessionKey('0123456789abcdef', 'pwd');
    // The derived vector of the spec: encrypt("seed1", "secret") with this session key.
    assert.deepStrictEqual(decryptConfig({ turnServer: 'seed1', turnPassword: '8c0a8a363ecb' }, key), {
      turnServer: 'seed1',
      turnPassword: 'secret',
    });
    const logPassword = encrypt('https://alarm.example.com', 'log-secret', key);
    assert.strictEqual(decryptConfig({ url: 'https://alarm.example.com', logPassword }, key).logPassword, 'log-secret');
    const seeded = encrypt('s', 'x', key);
    assert.strictEqual(decryptConfig({ seed: 's', turnServer: 'other', turnPassword: seeded }, key).turnPassword, 'x');
  });
});

describe('innovaphone Devices provisioning codes', () => {
  const { ProvisioningCodes, REMEMBERED_CODES } = require('../../dist/protocols/innovaphone-devices/provisioning');
  const codes = () => {
    const emitted = [];
    return {
      emitted,
      codes: new ProvisioningCodes({ emit: (_c, _k, m) => emitted.push(m.payload.code), log: () => {} }),
    };
  };
  const provisioned = (code) => ({ mt: 'DeviceProvisioned', code, device: { hwId: `hw${code}` } });

  it('reports a code once, however often the PBX tells it', () => {
    const { emitted, codes: c } = codes();
    c.provisioned(provisioned('111'));
    c.provisioned(provisioned('111'));
    assert.deepStrictEqual(emitted, ['111']);
  });

  it('remembers a bounded number of reported codes (flat memory over years of provisioning)', () => {
    const { emitted, codes: c } = codes();
    for (let i = 0; i <= REMEMBERED_CODES; i++) c.provisioned(provisioned(String(i)));
    // The newest are still known, so a late duplicate is dropped; the oldest has been forgotten.
    c.provisioned(provisioned(String(REMEMBERED_CODES)));
    assert.strictEqual(emitted.length, REMEMBERED_CODES + 1);
    c.provisioned(provisioned('0'));
    assert.strictEqual(emitted.length, REMEMBERED_CODES + 2);
  });
});
