'use strict';
// `kind: 'carddav'`: the CardDAV source against a local Radicale (test/support/radicale.js): a
// full sync of an address book of 5,000 vCards, and one changed contact picked up by the next
// refresh (sync-collection with the sync token, then a multiget of the one changed card).
const fs = require('fs');
const path = require('path');
const { createCardDavSource } = require('../../dist/connection/directory/remote-sources');
const { startRadicale, vcard } = require('../../test/support/radicale');
const { quantile } = require('./host');

const PASSWORD = 'bench-secret';

function card(i, name = `Contact ${i}`) {
  return vcard({
    uid: `c${i}`,
    fn: name,
    tels: [`+49 30 ${7000000 + i}`, `0171 ${5000000 + i}`],
    categories: i % 10 ? [] : ['VIP'],
  });
}

/**
 * `spec.cards` (default 5,000) vCards in one Radicale address book; `spec.rounds` (default 3)
 * rounds of each: a full sync by a new source (`carddavSync5kMs`, the median), and on one kept
 * source a card changed on the server, then timed: the load that returns it (`carddavDeltaMs`).
 */
async function carddav(spec = {}) {
  const cards = spec.cards ?? 5000;
  const rounds = spec.rounds ?? 3;
  const server = await startRadicale({ users: { bench: PASSWORD } });
  const sources = [];
  const open = () => {
    const s = createCardDavSource(
      { type: 'carddav', url: `${server.url}/bench/contacts/`, user: 'bench' },
      PASSWORD,
      {},
      () => {},
    );
    sources.push(s);
    return s;
  };
  try {
    await server.addressBook('bench', 'contacts');
    // Written straight into Radicale's storage folder: 5,000 PUTs would only time the server's writes.
    const folder = path.join(server.dir, 'data', 'collection-root', 'bench', 'contacts');
    for (let i = 0; i < cards; i++) fs.writeFileSync(path.join(folder, `c${i}.vcf`), card(i));
    // Untimed, without our request timeout: Radicale reads and caches the new files once (half a
    // minute on a busy 2-core machine), as a server in use has done long before.
    const listing = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>';
    await server.request('PROPFIND', '/bench/contacts/', { user: 'bench', body: listing, headers: { Depth: '1' } });
    const warm = await open().load();
    if (warm.contacts.length !== cards)
      throw new Error(`carddav bench: ${warm.contacts.length} of ${cards} contacts loaded`);

    const full = [];
    for (let round = 0; round < rounds; round++) {
      const started = process.hrtime.bigint();
      const load = await open().load();
      full.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (load.contacts.length !== cards) throw new Error('carddav bench: a full sync lost contacts');
    }

    const kept = open();
    await kept.load();
    const delta = [];
    for (let round = 0; round < rounds; round++) {
      const name = `Changed ${round}`;
      await server.putCard('bench', 'contacts', `c${round}.vcf`, card(round, name));
      const started = process.hrtime.bigint();
      const load = await kept.load();
      delta.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (!load.contacts.some((c) => c.name === name))
        throw new Error('carddav bench: the changed contact was not picked up');
    }
    return {
      carddavSync5kMs: round2(quantile(full, 0.5)),
      carddavDeltaMs: round2(quantile(delta, 0.5)),
      cards,
      rounds,
    };
  } finally {
    for (const s of sources) await s.close();
    await server.destroy();
  }
}

function round2(ms) {
  return Math.round(ms * 100) / 100;
}

module.exports = { carddav };
