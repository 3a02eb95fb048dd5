import { DavClient, DavStatusError, shown } from './http';
import { hrefIn, isAddressBook, parseMultistatus, propfindBody } from './xml';

const ACCOUNT_PROPS = ['d:resourcetype', 'd:current-user-principal', 'card:addressbook-home-set'];

interface Found {
  url: URL;
  props: Record<string, unknown>;
}

/**
 * The address books behind a URL (RFC 6352 6, RFC 6764): the URL itself when it is one; else
 * the account's home set, reached through `current-user-principal` -> `addressbook-home-set`,
 * listed with Depth 1. Given only a server (`https://host/`), discovery starts at
 * `/.well-known/carddav` (Nextcloud redirects it to its DAV root; its `/` is a web page).
 */
export async function discoverAddressBooks(client: DavClient, start: URL): Promise<URL[]> {
  if (start.pathname === '/') {
    const viaWellKnown = await booksFrom(client, new URL('/.well-known/carddav', start)).catch((err: unknown) => {
      // A wrong password is the answer; anything else there just means: ask the server root.
      if (err instanceof DavStatusError && err.status === 401) throw err;
      return [];
    });
    if (viaWellKnown.length > 0) return viaWellKnown;
  }
  const books = await booksFrom(client, start);
  if (books.length === 0) throw new Error(`CardDAV: no address book found at ${shown(start)}`);
  return books;
}

async function booksFrom(client: DavClient, url: URL): Promise<URL[]> {
  const here = await propfindSelf(client, url);
  if (isAddressBook(here.props)) return [here.url];
  const home = await homeOf(client, here);
  // Some servers answer neither property on a collection URL: its members may still be address books.
  return addressBooksIn(client, home ?? here.url);
}

async function homeOf(client: DavClient, { url, props }: Found): Promise<URL | undefined> {
  const home = hrefIn(props['addressbook-home-set']);
  if (home) return new URL(home, url);
  const principal = hrefIn(props['current-user-principal']);
  if (!principal) return undefined;
  const found = await propfindSelf(client, new URL(principal, url));
  const principalHome = hrefIn(found.props['addressbook-home-set']);
  return principalHome ? new URL(principalHome, found.url) : undefined;
}

/** PROPFIND Depth 0: the props of the URL itself (after redirects). */
async function propfindSelf(client: DavClient, url: URL): Promise<Found> {
  const answer = await client.send({ method: 'PROPFIND', url, depth: '0', body: propfindBody(ACCOUNT_PROPS) });
  const { resources } = await parseMultistatus(answer.body, shown(answer.url));
  return { url: answer.url, props: resources[0]?.props ?? {} };
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
