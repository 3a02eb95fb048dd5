'use strict';
// The AppWebsocket crypto against the official vectors (AppWebsocket.htm), four AppLogins
// captured from a real PBX (ricoschulte/go-myapps service/innotools_test.go), the derived
// session-key/encryption vectors of the spec and the classic RC4 vector.
const assert = require('assert');
const { rc4, loginDigest, sessionKey, encrypt, decrypt, hash } = require('../../dist/protocols/innovaphone/crypto');

const CAPTURED = [
  {
    challenge: '16d7dbbcccb63612',
    message: `{"mt":"AppLogin","sip":"go-search","guid":"3954ae7854c96301c9dd009033400109","dn":"go-search","digest":"130f168773ff760701b74e629eca2544c6e62d5354e92e6f821001a982eb8951","domain":"fritz.box","app":"searchapi","info":{"appobj":"go-search","appdn":"go-search","appurl":"http://192.168.178.29:5000/fritz.box/go/instance/searchapi","pbx":"pbx-main","cn":"go-search","unlicensed":true,"apps":[]}}`,
  },
  {
    challenge: 'aeaaebe781e80289',
    message: `{"mt":"AppLogin","sip":"go","guid":"8e7ca6fabbc5630170e9009033400109","dn":"go","digest":"8f802873dcdee7cef6144017a6112289298ad69e77474a4c37cfdb68a83640c0","domain":"fritz.box","app":"admin","info":{"appobj":"go","appdn":"go","appurl":"http://192.168.178.29:5000/fritz.box/go/instance/admin","pbx":"pbx-main","cn":"go","unlicensed":true,"apps":[]}}`,
  },
  {
    challenge: '277f41a7a5b7b452',
    message: `{"mt":"AppLogin","app":"admin","domain":"fritz.box","sip":"rico","guid":"f48b06484a8a61015853009033400109","dn":"Schulte, Rico","info":{"appobj":"go","appdn":"go","appurl":"http://192.168.178.29:5000/fritz.box/go/instance/admin","pbx":"pbx-main","cn":"rico","unlicensed":true,"groups":[],"apps":[]},"digest":"965b4dd4d4f127c99df796b1ed137b40454801f94f50aaf93b2ce98034f10d9c","pbxObj":"go"}`,
  },
  {
    challenge: '7c4fc2e477f69233',
    message: `{"mt":"AppLogin","app":"searchapi","domain":"fritz.box","sip":"rico","guid":"f48b06484a8a61015853009033400109","dn":"Schulte, Rico","info":{"appobj":"go-search","appdn":"go-search","appurl":"http://192.168.178.29:5000/fritz.box/go/instance/searchapi","pbx":"pbx-main","cn":"rico","testmode":true,"groups":[],"apps":[]},"digest":"378b82aa7508eb53866e3f4de054cdc0f7b5229e9742593e9359db3845681eb6","pbxObj":"go-search"}`,
  },
];

describe('innovaphone crypto', () => {
  it('computes the four official AppLogin digests', () => {
    const c = '0123456789abcdef';
    const app = { app: 'pbxadminapi' };
    assert.strictEqual(
      loginDigest(app, undefined, c, 'pwd'),
      'a205299ed2ef2786c311e0be1b14db343f2cadd906a6ae7b564eee34bda5e9a1',
    );
    assert.strictEqual(
      loginDigest(app, '{}', c, 'pwd'),
      '57b23fe824b9222a7ac879597cb509bcdc865a1bfeb057d9d12118cef0c3ba34',
    );
    assert.strictEqual(
      loginDigest(app, '{"cn":"Test User"}', c, 'pwd'),
      '96db3c3f657230c2b68194becc6d2a77f05de9f79f01fc81e9ca0fb196b10d9d',
    );
    const users = {
      app: 'innovaphone-users',
      domain: 'example.com',
      sip: 'administrator',
      guid: '0123456789abcdef0123456789abcdef',
      dn: 'Administrator User',
    };
    const info = {
      appobj: 'users',
      apps: [{ name: 'users' }, { name: 'profile' }],
      appurl: 'https://1.2.3.4/example.com/usersapp/innovaphone-users',
      unlicensed: true,
    };
    assert.strictEqual(
      loginDigest(users, JSON.stringify(info), c, 'pwd'),
      'ef1b811ffaa8f9255c39c653d8fb26b4687b2d8c4d9ac91b4821bff6bae3ff44',
    );
  });

  for (const v of CAPTURED) {
    const msg = JSON.parse(v.message);
    it(`computes the digest of a captured PBX login (${msg.app}, ${msg.sip})`, () => {
      // The info object is hashed as it stood on the wire; JSON.parse keeps the key order.
      assert.strictEqual(loginDigest(msg, JSON.stringify(msg.info), v.challenge, 'go'), msg.digest);
      assert.notStrictEqual(loginDigest(msg, undefined, v.challenge, 'go'), msg.digest, 'the info segment counts');
    });
  }

  it('derives the session key', () => {
    assert.strictEqual(
      sessionKey('0123456789abcdef', 'pwd'),
      'd58c77eae0c1c1f37a9f545e207643c926ad9ea4932016a83a4a01029de37760',
    );
  });

  it('runs plain RC4 (the classic Key/Plaintext vector)', () => {
    assert.strictEqual(rc4(Buffer.from('Key'), Buffer.from('Plaintext')).toString('hex'), 'bbf316e8d940af0ad3');
    assert.strictEqual(rc4(Buffer.from('Wiki'), Buffer.from('pedia')).toString('hex'), '1021bf0420');
  });

  it('encrypts, decrypts and hashes with seed and session key', () => {
    const key = sessionKey('0123456789abcdef', 'pwd');
    assert.strictEqual(encrypt('seed1', 'secret', key), '8c0a8a363ecb');
    assert.strictEqual(decrypt('seed1', '8c0a8a363ecb', key), 'secret');
    assert.strictEqual(hash('seed1', 'data', key), '7b95ce920b030209be11cd7ef5e7bbe892e49dbb751963222579e37de6aae9a1');
    const text = 'Grüße, 200 kB? ' + 'x'.repeat(1000);
    assert.strictEqual(decrypt('turn.example.com', encrypt('turn.example.com', text, key), key), text);
  });
});
