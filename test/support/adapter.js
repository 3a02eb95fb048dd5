'use strict';
// What an adapter test hands the adapter without Node-RED: its settings and a recorder of the
// events it reports.

/**
 * The connection settings an adapter is created with. The one place that builds them, so a
 * change to their shape changes this function only; `fields` are the vendor's values.
 */
function adapterSettings(vendor, fields) {
  return {
    vendor,
    url: '',
    domain: '',
    app: '',
    user: '',
    apiVersion: '',
    password: '',
    apiKey: '',
    tls: {},
    loginTimeoutMs: 2000,
    keepaliveMs: 300,
    ...fields,
  };
}

/** Adapter events that record what the adapter emits, drops, names and logs; `of(channel, key)` filters. */
function fakeEvents(listen = () => true) {
  const ev = {
    emitted: [],
    drops: [],
    logs: [],
    emit(channel, key, m) {
      ev.emitted.push({ channel, key, ...m });
    },
    summaries: [],
    snapshots: [],
    snapshot(channel, key, m) {
      ev.snapshots.push({ channel, key, ...m });
    },
    callSummary(summary) {
      ev.summaries.push(summary);
    },
    /** Every user list the adapter reported, in order (the PBX's own names for its users). */
    userLists: [],
    users(list) {
      ev.userLists.push(list);
    },
    listening: (channel, key) => listen(channel, key),
    dropped(reason) {
      ev.drops.push(reason);
    },
    log(level, text) {
      ev.logs.push(`${level}: ${text}`);
    },
    of(channel, key) {
      return ev.emitted.filter((e) => e.channel === channel && (key === undefined || e.key === key));
    },
  };
  return ev;
}

module.exports = { adapterSettings, fakeEvents };
