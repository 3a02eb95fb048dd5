'use strict';
// The benchmark's counting sink: counts messages and, when a message carries a send time
// (`raw.t` / `payload.t`, ms since the epoch with fractions), records the latency. A function
// node is too slow to be a sink (it caps near 34k events/s).
module.exports = function (RED) {
  const state = (global.__benchSink = global.__benchSink || {
    count: 0,
    latencies: [],
    topics: new Set(),
    trackTopics: false,
    /** Called with each message when set (the state query times its answers with it). */
    onMessage: null,
  });
  function BenchSink(config) {
    RED.nodes.createNode(this, config);
    this.on('input', (msg, _send, done) => {
      state.count++;
      if (state.onMessage) state.onMessage(msg);
      if (state.trackTopics) state.topics.add(msg.topic);
      const sent = (msg.raw && msg.raw.t) || (msg.payload && msg.payload.t);
      if (typeof sent === 'number') state.latencies.push(performance.timeOrigin + performance.now() - sent);
      done();
    });
  }
  RED.nodes.registerType('bench-sink', BenchSink);
};
