import { XMLParser } from 'fast-xml-parser';

/** One `<response>` of a multistatus: its href, its own status (sync-collection's deleted members) and the props found (status 200). */
export interface DavResource {
  href: string;
  status?: number;
  props: Record<string, unknown>;
}

export interface Multistatus {
  resources: DavResource[];
  syncToken?: string;
}

// Namespace prefixes differ per server (`d:`, `D:`, none with a default xmlns): we match local names.
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'response' || name === 'propstat' || name === 'href',
});

/** `<response>` elements per parse: about 80 KB of vCards, a few milliseconds of the event loop. */
const RESPONSES_PER_SLICE = 250;

/**
 * Parses a 207 body in slices of responses, giving the event loop a turn between them: the first
 * load of a large address book is one answer of megabytes (5,000 cards: 1.6 MB, a quarter second
 * of parsing in one piece), and Node-RED's events must not wait on it. Rejects anything that is
 * not a DAV multistatus with a text that says so.
 */
export async function parseMultistatus(body: string, where: string): Promise<Multistatus> {
  const firstResponse = body.search(/<([\w.-]+:)?response[\s>]/);
  const root = /<([\w.-]+:)?multistatus[\s>]/.exec(body);
  if (firstResponse < 0 || !root || root.index > firstResponse) return parseWhole(body, where);
  const head = body.slice(0, firstResponse);
  const closeRoot = `</${root[1] ?? ''}multistatus>`;
  const responseEnd = /<\/([\w.-]+:)?response\s*>/g;
  responseEnd.lastIndex = firstResponse;
  const resources: DavResource[] = [];
  let sliceStart = firstResponse;
  let inSlice = 0;
  for (let end = responseEnd.exec(body); end; end = responseEnd.exec(body)) {
    if (++inSlice < RESPONSES_PER_SLICE) continue;
    const sliceEnd = end.index + end[0].length;
    for (const r of parseWhole(head + body.slice(sliceStart, sliceEnd) + closeRoot, where).resources) resources.push(r);
    sliceStart = sliceEnd;
    inSlice = 0;
    await new Promise((resolve) => setImmediate(resolve));
  }
  // The rest: the last responses, the sync token and the end of the root element.
  const last = parseWhole(head + body.slice(sliceStart), where);
  for (const r of last.resources) resources.push(r);
  return { resources, syncToken: last.syncToken };
}

function parseWhole(body: string, where: string): Multistatus {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(body) as Record<string, unknown>;
  } catch {
    throw new Error(`CardDAV: ${where} answered something that is not XML`);
  }
  const multistatus = doc.multistatus;
  // An empty `<multistatus/>` (an empty address book, nothing changed) parses as ''.
  if (multistatus !== '' && !isObject(multistatus)) throw new Error(`CardDAV: ${where} answered no WebDAV multistatus`);
  const root = isObject(multistatus) ? multistatus : {};
  const resources: DavResource[] = [];
  for (const response of asArray(root.response)) {
    if (!isObject(response)) continue;
    const href = firstText(response.href);
    if (!href) continue;
    const props: Record<string, unknown> = {};
    for (const propstat of asArray(response.propstat)) {
      if (!isObject(propstat) || statusCode(propstat.status) !== 200 || !isObject(propstat.prop)) continue;
      Object.assign(props, propstat.prop);
    }
    resources.push({ href, status: statusCode(response.status), props });
  }
  const syncToken = text(root['sync-token']);
  return { resources, syncToken: syncToken || undefined };
}

/** The text of a property (`<getetag>"x"</getetag>`, `<address-data>BEGIN:VCARD...`), '' when absent or structured. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (isObject(value) && typeof value['#text'] === 'string') return value['#text'];
  return '';
}

/** The first `<href>` inside a property such as `current-user-principal` or `addressbook-home-set`. */
export function hrefIn(value: unknown): string {
  return isObject(value) ? firstText(value.href) : '';
}

/** Whether a `<resourcetype>` holds `<addressbook/>`. */
export function isAddressBook(props: Record<string, unknown>): boolean {
  const type = props.resourcetype;
  return isObject(type) && 'addressbook' in type;
}

function statusCode(value: unknown): number | undefined {
  const match = /^HTTP\/\S+\s+(\d{3})/.exec(text(value).trim());
  return match ? Number(match[1]) : undefined;
}

function firstText(value: unknown): string {
  return text(asArray(value)[0]).trim();
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DAV_HEAD = '<?xml version="1.0" encoding="utf-8"?>';
const NAMESPACES = 'xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"';

export function propfindBody(props: string[]): string {
  return `${DAV_HEAD}<d:propfind ${NAMESPACES}><d:prop>${props.map((p) => `<${p}/>`).join('')}</d:prop></d:propfind>`;
}

export function multigetBody(hrefs: string[]): string {
  const list = hrefs.map((h) => `<d:href>${escapeXml(h)}</d:href>`).join('');
  return `${DAV_HEAD}<card:addressbook-multiget ${NAMESPACES}><d:prop><d:getetag/><card:address-data/></d:prop>${list}</card:addressbook-multiget>`;
}

/** `addressbook-query` with an empty filter: every card, with its etag and (`withCards`) its vCard. */
export function queryAllBody(withCards: boolean): string {
  const data = withCards ? '<card:address-data/>' : '';
  return `${DAV_HEAD}<card:addressbook-query ${NAMESPACES}><d:prop><d:getetag/>${data}</d:prop><card:filter/></card:addressbook-query>`;
}

export function syncCollectionBody(syncToken: string): string {
  return `${DAV_HEAD}<d:sync-collection ${NAMESPACES}><d:sync-token>${escapeXml(syncToken)}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
