import { DavClient, DavStatusError, shown } from './http';
import { hrefIn, isAddressBook, parseMultistatus, propfindBody } from './xml';

const ACCOUNT_PROPS = ['d:resourcetype', 'd:current-user-principal', 'card:addressbook-home-set'];

/**
 * The address books behind a URL (RFC 6352 6, RFC 6764): the URL itself when it is one; else
 * the account's home set, reached from the URL or from `/.well-known/carddav` through
 * `current-user-principal` -> `addressbook-home-set`, listed with Depth 1.
 */
export async function discoverAddressBooks(client: DavClient, start: URL): Promise<URL[]> {
  const here = await propfindSelf(client, start);
  if (here && isAddressBook(here.props)) return [here.url];
  let home = here ? await homeOf(client, here.url, here.props) : undefined;
  if (!home && (start.pathname === '/' || start.pathname === '')) {
    const wellKnown = await propfindSelf(client, new URL('/.well-known/carddav', start));
    if (wellKnown) home = await homeOf(client, wellKnown.url, wellKnown.props);
  }
  // Some servers answer neither property on a collection URL: its members may still be address books.
  const books = await addressBooksIn(client, home ?? here?.url ?? start);
  if (books.length === 0) throw new Error(`CardDAV: no address book found at ${shown(start)}`);
  return books;
}

async function homeOf(client: DavClient, url: URL, props: Record<string, unknown>): Promise<URL | undefined> {
  const home = hrefIn(props['addressbook-home-set']);
  if (home) return new URL(home, url);
  const principal = hrefIn(props['current-user-principal']);
  if (!principal) return undefined;
  const principalUrl = new URL(principal, url);
  const found = await propfindSelf(client, principalUrl);
  const principalHome = found ? hrefIn(found.props['addressbook-home-set']) : '';
  return principalHome ? new URL(principalHome, principalUrl) : undefined;
}

/** PROPFIND Depth 0: the props of the URL itself, or undefined when the server has nothing there to say (404, 405). */
async function propfindSelf(client: DavClient, url: URL): Promise<{ url: URL; props: Record<string, unknown> } | undefined> {
  try {
    const answer = await client.send({ method: 'PROPFIND', url, depth: '0', body: propfindBody(ACCOUNT_PROPS) });
    const { resources } = await parseMultistatus(answer.body, shown(answer.url));
    return { url: answer.url, props: resources[0]?.props ?? {} };
  } catch (err) {
    if (err instanceof DavStatusError && (err.status === 404 || err.status === 405)) return undefined;
    throw err;
  }
}

async function addressBooksIn(client: DavClient, collection: URL): Promise<URL[]> {
  const answer = await client.send({
    method: 'PROPFIND',
    url: collection,
    depth: '1',
    body: propfindBody(['d:resourcetype']),
  });
  const { resources } = await parseMultistatus(answer.body, shown(answer.url));
  return resources.filter((r) => isAddressBook(r.props)).map((r) => new URL(r.href, answer.url));
}
