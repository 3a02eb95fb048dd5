'use strict';
// One measurement in a fresh process (so results do not skew each other): the simulator runs in
// a child process of its own (bench/sim-host.js), the PBX client side here. Prints one JSON line.
// Each kind of measurement is a file of bench/measure/.
const { simHost } = require('./measure/host');
const { throughput } = require('./measure/throughput');
const { dispatch, setup } = require('./measure/subscriptions');
const { memory } = require('./measure/memory');
const { latency } = require('./measure/latency');
const { state } = require('./measure/state');
const { directory } = require('./measure/directory');
const { carddav } = require('./measure/carddav');

const kinds = {
  throughput,
  dispatch,
  setup,
  memory,
  latency,
  state,
  directory,
  // Against a Radicale of its own: no simulator.
  carddav: (_host, spec) => carddav(spec),
};
const spec = JSON.parse(process.argv[2]);

(async () => {
  const host = simHost();
  let result;
  try {
    result = await kinds[spec.kind](host, spec);
  } finally {
    await host.call('stop').catch(() => undefined);
    await host.exited;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
})().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
