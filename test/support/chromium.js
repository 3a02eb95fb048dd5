'use strict';
// Debian's Chromium driven by playwright-core, for the tests that open a page: where it is
// missing (a machine without `apt-get install chromium`) those tests skip with a note.
const fs = require('fs');
const { chromium } = require('playwright-core');

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

/** A headless Chromium with nothing in the background: the machine's network is closed and it would keep trying. */
function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** `describe`, or `describe.skip` with the reason in its title where no Chromium is installed. */
function describeInChromium(title, fn) {
  return (CHROMIUM ? describe : describe.skip)(
    `${title}${CHROMIUM ? '' : ' (skipped: no Chromium at /usr/bin/chromium)'}`,
    fn,
  );
}

module.exports = { CHROMIUM, launchChromium, describeInChromium };
