'use strict';
// The simulator profile of each registered vendor (src/sim/<vendor>/profile.ts), in registry
// order: how the tests, the bench and `npm start` reach every vendor's simulator from its id.
const path = require('path');
const { vendorIds } = require('../dist/connection/vendors');

function simProfile(vendor) {
  return require(path.join(__dirname, '..', 'dist', 'sim', vendor, 'profile.js')).profile;
}

function simProfiles() {
  return vendorIds().map(simProfile);
}

/** Every protocol the bench measures, in registry order (a vendor may have several, or none). */
function benchProtocols() {
  return simProfiles().flatMap((profile) => profile.bench);
}

/** The bench protocol `name` and the simulator profile of its vendor. */
function benchProtocol(name) {
  for (const profile of simProfiles()) {
    const bench = profile.bench.find((b) => b.name === name);
    if (bench) return { profile, bench };
  }
  throw new Error(`no bench protocol ${name}`);
}

module.exports = { simProfile, simProfiles, benchProtocols, benchProtocol };
