'use strict';
// The benchmark push used by every simulator: every frame arrives, in order, and the promise
// settles only once the last one is written.
const assert = require('assert');
const WebSocket = require('ws');
const { pushFrames } = require('../../dist/sim/common/push');

describe('simulator push', () => {
  let server;
  let client;
  afterEach(async () => {
    client?.close();
    await new Promise((r) => server.close(r));
  });

  it('writes n frames in order to every open socket, batch after batch', async () => {
    server = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const accepted = new Promise((r) => server.once('connection', r));
    client = new WebSocket(`ws://127.0.0.1:${server.address().port}`);
    const got = [];
    const all = new Promise((resolve) =>
      client.on('message', (d) => got.push(Number(String(d))) === 2500 && resolve()),
    );
    const peer = await accepted;
    await pushFrames([peer], 2500, (i) => String(i));
    await all;
    assert.deepStrictEqual(
      got,
      Array.from({ length: 2500 }, (_, i) => i),
    );
  });
});
