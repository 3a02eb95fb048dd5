'use strict';
// One profile per vendor protocol: how to run its simulator and what the reliability suite
// watches, triggers and counts there. Each vendor keeps its profile beside its own tests.
const path = require('path');
const { vendorIds } = require('../../dist/connection/vendors');

// Every registered vendor has one: a missing one fails here.
module.exports = vendorIds().flatMap((dir) =>
  [].concat(require(path.join(__dirname, '..', dir, 'reliability-profile.js'))),
);
