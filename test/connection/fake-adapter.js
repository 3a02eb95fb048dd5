'use strict';
// A scriptable VendorAdapter for connection-layer tests: each open() is answered by the test.
const { AuthError } = require('../../dist/protocols/common/errors');

function fakeFactory() {
  const made = { adapters: [] };
  made.factory = (settings, events) => {
    const a = {
      events,
      opens: 0,
      closes: 0,
      watched: [],
      unwatched: [],
      outcome: 'ok', // 'ok' | 'auth' | 'fail' | 'hang'
      channels: new Set(['presence', 'event']),
      open() {
        a.opens++;
        if (a.outcome === 'ok') return Promise.resolve();
        if (a.outcome === 'auth') return Promise.reject(new AuthError('wrong password'));
        if (a.outcome === 'fail') return Promise.reject(new Error('connection refused by pbx'));
        return new Promise(() => undefined);
      },
      close() {
        a.closes++;
      },
      watch(interest) {
        a.watched.push(`${interest.channel}:${interest.key}`);
        return interest.key === 'bad' ? Promise.reject(new Error('no such user')) : Promise.resolve();
      },
      unwatch(interest) {
        a.unwatched.push(`${interest.channel}:${interest.key}`);
      },
      handlers: {
        command: (params) => Promise.resolve({ payload: { op: 'command', params } }),
      },
      suggestions: () => Promise.resolve(['a']),
    };
    made.adapters.push(a);
    return a;
  };
  return made;
}

module.exports = { fakeFactory };
