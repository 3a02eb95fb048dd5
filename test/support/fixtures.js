'use strict';
// Per-test fixtures for mocha: each registers its own beforeEach/afterEach in the calling
// `describe`. Hooks of one describe run in the order they were registered, so a fixture that
// must tear down first (the flow before the simulator it talks to) is the one that stops it.
const { helper } = require('./red');

/**
 * A simulator started on port 0 before each test and stopped after it. `create()` builds it and
 * assigns the spec's variable; `current()` reads that variable back, so the one stopped is the
 * one a test may have put in its place. `beforeStop()` ends what ran against it first (an
 * adapter, a flow).
 */
function simulatorEach(create, current, beforeStop = () => undefined) {
  beforeEach(async () => {
    await create().start(0);
  });
  afterEach(async () => {
    await beforeStop();
    await current().stop();
  });
}

/** A simulator for node tests: the flow is unloaded before the simulator stops. */
function simulatorWithFlowsEach(create, current) {
  simulatorEach(create, current, () => helper.unload());
}

/** Node-RED's admin and HTTP server for each test (helper.startServer/stopServer), the flow unloaded after. */
function serverEach() {
  beforeEach(() => new Promise((resolve) => helper.startServer(resolve)));
  afterEach(async () => {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
  });
}

module.exports = { simulatorEach, simulatorWithFlowsEach, serverEach };
