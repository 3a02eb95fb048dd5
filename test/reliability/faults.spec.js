'use strict';
// Issue 7: every connection survives faults and comes back with its subscriptions, for every
// vendor, through the real nodes.
const assert = require('assert');
const net = require('net');
const { helper, waitFor, waitStatus } = require('../support/red');
const { useSimulator, start, restored, expectEventsOnce } = require('./suite');
const profiles = require('./profiles');

for (const profile of profiles) {
  describe(`reliability: ${profile.name}`, function () {
    this.timeout(60000);
    const current = useSimulator(profile);
    let sim;
    beforeEach(() => {
      sim = current();
    });

    it('comes back after the server kills the socket mid-stream, events after the restore arrive once', async () => {
      const { events } = await start(profile, sim);
      await restored(profile, sim);
      await expectEventsOnce(profile, sim, events, 1);
      const logins = sim.loginCount;
      sim.dropAll();
      await waitFor(() => sim.loginCount > logins, 5000, 'a new login');
      await restored(profile, sim);
      await expectEventsOnce(profile, sim, events, 100);
    });

    it('comes back after a clean close', async () => {
      const { events } = await start(profile, sim);
      await restored(profile, sim);
      const logins = sim.loginCount;
      sim.closeAll();
      await waitFor(() => sim.loginCount > logins, 5000, 'a new login');
      await restored(profile, sim);
      await expectEventsOnce(profile, sim, events, 200);
    });

    it('notices a half-open socket through its keepalive and reconnects', async () => {
      const { events } = await start(profile, sim);
      await restored(profile, sim);
      const logins = sim.loginCount;
      sim.setSilent(true);
      await waitFor(() => helper.getNode('c1').connection.state !== 'connected', 5000, 'half-open detected');
      sim.setSilent(false);
      await waitFor(() => sim.loginCount > logins, 5000, 'a new login');
      await restored(profile, sim);
      await expectEventsOnce(profile, sim, events, 300);
    });

    it('gives up a login that never completes (login timeout) and logs in once the server answers', async () => {
      sim.setReplyDelay(60000);
      const { events } = await start(profile, sim);
      await waitFor(() => /no login within/.test(helper.getNode('c1').connection.detail), 5000, 'login timeout');
      sim.setReplyDelay(0);
      await restored(profile, sim, 10000);
      await expectEventsOnce(profile, sim, events, 400);
    });

    it('survives a refused TCP connection and keeps retrying', async () => {
      const port = await closedPort();
      await start(profile, sim, { via: { port, tls: false } });
      await waitStatus('w1', 'red');
      const detail = helper.getNode('c1').connection.detail;
      assert.match(detail, /refused/);
    });

    it('comes back after 100 drops in a row', async () => {
      const { events } = await start(profile, sim);
      for (let i = 0; i < 100; i++) {
        await restored(profile, sim);
        sim.dropAll();
        await waitFor(() => helper.getNode('c1').connection.state !== 'connected' || !profile.restored(sim), 5000);
      }
      await restored(profile, sim);
      assert.strictEqual(sim.connectionCount, 1, 'one socket at the server');
      await expectEventsOnce(profile, sim, events, 500);
    });

    it('shows auth failed for wrong credentials, logs it once and retries no faster than the cap', async () => {
      await start(profile, sim, { credentials: profile.wrongCredentials });
      await waitStatus('w1', 'red', 'authFailed');
      const attempts = sim.loginAttempts;
      const started = Date.now();
      await new Promise((r) => setTimeout(r, 1000));
      const perMinute = ((sim.loginAttempts - attempts) * 60000) / (Date.now() - started);
      // The test settings cap the backoff at 300 ms: at most 200 attempts a minute (the default 30 s cap gives 2).
      assert.ok(perMinute <= 60000 / 300 + 60, `${perMinute} attempts/min`);
      const authLines = helper
        .log()
        .getCalls()
        .filter((c) => /auth-failed/.test(String(c.args[0].msg)));
      assert.strictEqual(authLines.length, 1, 'one log line per state change');
    });

    if (profile.request) {
      it('fails a request pending when the socket drops at once, through done(err)', async () => {
        const { errors } = await start(profile, sim);
        await restored(profile, sim);
        sim.setReplyDelay(60000);
        helper.getNode('r1').receive(profile.request.msg());
        await new Promise((r) => setTimeout(r, 50));
        const dropped = Date.now();
        sim.dropAll();
        const err = await errors.next();
        assert.ok(Date.now() - dropped < 1000, 'failed at once, not by timeout');
        assert.match(err.error.message, /closed|drop|disconnect|lost/i);
      });

      it('fails a request while disconnected fast, and every request has a timeout', async () => {
        const { errors } = await start(profile, sim);
        await restored(profile, sim);
        sim.setReplyDelay(60000);
        helper.getNode('r1').receive({ ...profile.request.msg(), payload: { ...profile.request.msg().payload } });
        const timedOut = await errors.next(() => true, 5000);
        assert.match(timedOut.error.message, /no answer within/);
        sim.setReplyDelay(0);
        sim.setSilent(true);
        await waitFor(() => helper.getNode('c1').connection.state !== 'connected', 5000);
        helper.getNode('r1').receive(profile.request.msg());
        const fast = await errors.next(() => true, 1000);
        assert.match(fast.error.message, /not connected/);
        sim.setSilent(false);
      });
    }
  });
}

function closedPort() {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
