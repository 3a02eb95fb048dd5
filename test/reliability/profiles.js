'use strict';
// One profile per vendor protocol: how to run its simulator and what the reliability suite
// watches, triggers and counts there. Each vendor keeps its profile beside its own tests.
const fs = require('fs');
const path = require('path');

const VENDOR_PROFILES = ['innovaphone', 'innovaphone-devices', 'onlinepbx', 'vodia'];

module.exports = VENDOR_PROFILES.flatMap((dir) => {
  const file = path.join(__dirname, '..', dir, 'reliability-profile.js');
  return fs.existsSync(file) ? [].concat(require(file)) : [];
});
