'use strict';
/** Resolves when `fn()` returns a truthy value (polled every 10 ms), or rejects after `ms`. */
function waitFor(fn, ms = 5000, what = 'condition') {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      let v;
      try {
        v = fn();
      } catch (err) {
        return reject(err);
      }
      if (v) return resolve(v);
      if (Date.now() - started > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}
module.exports = { waitFor };
