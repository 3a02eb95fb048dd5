'use strict';
// The simulator profile of each registered vendor (src/sim/<vendor>/profile.ts), in registry
// order: how the tests, the bench and `npm start` reach every vendor's simulator from its id.
const path = require('path');
const { vendorIds } = require('../connection/vendors');

function simProfile(vendor) {
  return require(path.join(__dirname, '..', 'sim', vendor, 'profile.js')).profile;
}

function simProfiles() {
  return vendorIds().map(simProfile);
}

module.exports = { simProfile, simProfiles };
