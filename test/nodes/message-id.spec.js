'use strict';
// msg._msgid of input-node messages: Node-RED's shape (16 hex digits), unique, cheap.
const assert = require('assert');
const { messageId } = require('../../dist/nodes/message-id');

describe('message ids', () => {
  it('are 16 hex digits, like Node-RED’s own, and never repeat', () => {
    const seen = new Set();
    for (let i = 0; i < 100000; i++) {
      const id = messageId();
      assert.match(id, /^[0-9a-f]{16}$/);
      seen.add(id);
    }
    assert.strictEqual(seen.size, 100000);
  });
});
