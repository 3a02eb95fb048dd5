'use strict';
// One profile per vendor protocol: how to run its simulator and what the reliability suite
// watches, triggers and counts there. Filled in as the vendor simulators land.
module.exports = [];
