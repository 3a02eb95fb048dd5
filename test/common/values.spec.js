'use strict';
// The value readers every protocol shares: what each accepts, and where frame values and flow
// parameters are read differently.
const assert = require('assert');
const { integerOf, textOf, paramTextOf, flagOf } = require('../../dist/protocols/common/values');

describe('value readers', function () {
  it('integerOf reads integers from numbers and numeric strings only', function () {
    assert.strictEqual(integerOf(7), 7);
    assert.strictEqual(integerOf(' 42 '), 42);
    assert.strictEqual(integerOf(0), 0);
    for (const v of [1.5, '1.5', '', ' ', 'x', null, undefined, true, Number.MAX_SAFE_INTEGER + 1, NaN, {}]) {
      assert.strictEqual(integerOf(v), undefined, String(v));
    }
  });

  it('textOf takes a frame value as sent: strings untrimmed, finite numbers as text', function () {
    assert.strictEqual(textOf('Alice'), 'Alice');
    assert.strictEqual(textOf(' Alice '), ' Alice ');
    assert.strictEqual(textOf('  '), '  ');
    assert.strictEqual(textOf(201), '201');
    assert.strictEqual(textOf(0), '0');
    for (const v of ['', null, undefined, true, false, {}, [], NaN, Infinity])
      assert.strictEqual(textOf(v), undefined, String(v));
  });

  it('paramTextOf trims a flow parameter; blank is missing; numbers become text', function () {
    assert.strictEqual(paramTextOf(' 201 '), '201');
    assert.strictEqual(paramTextOf('Alice'), 'Alice');
    assert.strictEqual(paramTextOf(201), '201');
    assert.strictEqual(paramTextOf(0), '0');
    for (const v of ['', '   ', null, undefined, true, {}, ['201']])
      assert.strictEqual(paramTextOf(v), undefined, String(v));
  });

  it('flagOf reads booleans sent as booleans, words or digits; anything else is unknown', function () {
    for (const v of [true, 'true', 1, '1']) assert.strictEqual(flagOf(v), true, String(v));
    for (const v of [false, 'false', 0, '0']) assert.strictEqual(flagOf(v), false, String(v));
    for (const v of ['maybe', 'yes', 2, '', null, undefined, {}]) assert.strictEqual(flagOf(v), undefined, String(v));
  });
});
