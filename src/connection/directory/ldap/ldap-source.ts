import type { ConnectionOptions } from 'node:tls';
import { Client, InvalidCredentialsError, NoSuchObjectError, type Entry } from 'ldapts';
import type { ContactSource, RawContact, SourceLoad } from '../source';

/** What an LDAP source needs, read once from its config (`src/connection/directory/remote-sources.ts`). */
export interface LdapSettings {
  label: string;
  url: string;
  bindDn: string;
  password: string;
  base: string;
  filter: string;
  nameAttributes: string[];
  numberAttributes: string[];
  groupAttribute: string;
  refreshMs: number;
  tls: ConnectionOptions;
  /** How long one operation (connect, bind, one page) may take; default 30 s. */
  timeoutMs?: number;
}

/** Entries per page: Active Directory's MaxPageSize is 1,000; smaller pages keep each answer small. */
const PAGE_SIZE = 500;
const OPERATION_TIMEOUT_MS = 30_000;

/**
 * An LDAP directory (NODES.md "Who", source `ldap`): each load connects, binds, runs one paged
 * search and unbinds. A connection held open between refreshes minutes apart would only meet
 * idle timeouts of servers and firewalls.
 */
export class LdapSource implements ContactSource {
  readonly type = 'ldap';
  readonly label: string;
  readonly refreshMs: number;
  private client: Client | undefined;

  constructor(private readonly settings: LdapSettings) {
    this.label = settings.label;
    this.refreshMs = settings.refreshMs;
  }

  async load(): Promise<SourceLoad> {
    const { url, bindDn, password, base, filter, tls } = this.settings;
    const timeout = this.settings.timeoutMs ?? OPERATION_TIMEOUT_MS;
    const client = new Client({ url, timeout, connectTimeout: timeout, tlsOptions: tls });
    this.client = client;
    try {
      if (bindDn) await client.bind(bindDn, password);
      const attributes = [...this.settings.nameAttributes, ...this.settings.numberAttributes];
      if (this.settings.groupAttribute) attributes.push(this.settings.groupAttribute);
      const contacts: RawContact[] = [];
      let skipped = 0;
      const pages = client.searchPaginated(base, { scope: 'sub', filter, attributes, paged: { pageSize: PAGE_SIZE } });
      for await (const page of pages) {
        for (const entry of page.searchEntries) {
          const contact = this.toContact(entry);
          if (contact) contacts.push(contact);
          else skipped++;
        }
      }
      return { contacts, skipped };
    } catch (err) {
      throw new Error(this.describe(err), { cause: err });
    } finally {
      if (this.client === client) this.client = undefined;
      await client.unbind().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.client?.unbind().catch(() => undefined);
    this.client = undefined;
  }

  /** An entry without a name or without any number is no contact: skipped and counted. */
  private toContact(entry: Entry): RawContact | undefined {
    const values = lowerCaseKeys(entry);
    const name = this.settings.nameAttributes.map((a) => textValues(values[a.toLowerCase()])[0]).find((v) => v);
    const numbers = this.settings.numberAttributes.flatMap((a) => textValues(values[a.toLowerCase()]));
    if (!name || numbers.length === 0) return undefined;
    const groupAttribute = this.settings.groupAttribute.toLowerCase();
    const groups = groupAttribute ? textValues(values[groupAttribute]).map(groupName) : [];
    return { name: oneLine(name), numbers, groups: [...new Set(groups)] };
  }

  private describe(err: unknown): string {
    const { url, bindDn, base } = this.settings;
    const where = shownUrl(url);
    if (err instanceof InvalidCredentialsError)
      return `LDAP: authentication failed for ${bindDn} at ${where} (wrong bind DN or password)`;
    if (err instanceof NoSuchObjectError) return `LDAP: base ${base} not found at ${where}`;
    const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
    if (code === 'ECONNREFUSED') return `LDAP: ${where} unreachable (connection refused)`;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `LDAP: host of ${where} not found`;
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
      return `LDAP: certificate of ${where} not trusted (${code}); add its CA in the tls-config`;
    }
    const message = err instanceof Error ? err.message : String(err);
    // ldapts says `Connection timeout` or `BindRequest: Operation timed out`.
    if (/timed out|timeout/i.test(message)) {
      return `LDAP: no answer from ${where} within ${(this.settings.timeoutMs ?? OPERATION_TIMEOUT_MS) / 1000} s`;
    }
    return `LDAP: ${where}: ${message}`;
  }
}

function lowerCaseKeys(entry: Entry): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) values[key.toLowerCase()] = value;
  return values;
}

function textValues(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)).trim()).filter((v) => v);
}

/** `memberOf` holds DNs (`cn=VIP,ou=groups,dc=example,dc=org`): the group is its first RDN's value. */
function groupName(value: string): string {
  const match = /^[A-Za-z][\w-]*=((?:\\.|[^,\\])*),/.exec(value);
  return match ? (match[1] as string).replace(/\\(.)/g, '$1').trim() : value;
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** The server part of an LDAP URL, for messages: never a user or password written into the URL. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'the LDAP URL';
  }
}
