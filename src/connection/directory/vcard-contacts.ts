import { createReadStream } from 'fs';
import type { RawContact, SourceLoad } from './source';

/** The properties a phone book needs; everything else (PHOTO, X-…) is skipped unread. */
const WANTED = /^(?:[\w-]+\.)?(BEGIN|END|FN|ORG|TEL|CATEGORIES)[;:]/i;

interface Card {
  fn: string;
  org: string;
  tels: string[];
  categories: string[];
}

/**
 * vCard 3.0 (RFC 2426) and 4.0 (RFC 6350), many cards per text: `FN` (else the first part of
 * `ORG`) is the name, every `TEL` a number (4.0 `tel:` URIs too), `CATEGORIES` the groups. Folded
 * lines are joined, escapes undone; a card without a name or a number, or without its END, is
 * skipped and counted. Fed line by line, so a file streams through it.
 */
export class VCardReader {
  readonly contacts: RawContact[] = [];
  skipped = 0;
  private card: Card | undefined;
  /** The logical line being unfolded; undefined while skipping an unwanted property. */
  private pending: string | undefined;
  private rest = '';

  /** Takes the next piece of the text (any split, even inside a line). */
  write(text: string): void {
    const lines = (this.rest + text).split(/\r?\n/);
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): SourceLoad {
    if (this.rest) this.line(this.rest);
    this.rest = '';
    this.flush();
    if (this.card) this.skipped++;
    this.card = undefined;
    return { contacts: this.contacts, skipped: this.skipped };
  }

  private line(line: string): void {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (this.pending !== undefined) this.pending += line.slice(1);
      return;
    }
    this.flush();
    this.pending = WANTED.test(line) ? line : undefined;
  }

  private flush(): void {
    const line = this.pending;
    this.pending = undefined;
    if (line === undefined) return;
    const colon = valueStart(line);
    if (colon < 0) return;
    const head = line.slice(0, colon);
    const value = line.slice(colon + 1);
    const name = (head.split(';')[0] ?? '').replace(/^[\w-]+\./, '').toUpperCase();
    if (name === 'BEGIN' && value.trim().toUpperCase() === 'VCARD') {
      if (this.card) this.skipped++;
      this.card = { fn: '', org: '', tels: [], categories: [] };
      return;
    }
    const card = this.card;
    if (!card) return;
    if (name === 'END') {
      this.finish(card);
      this.card = undefined;
    } else if (name === 'FN') card.fn = unescape(value).trim();
    else if (name === 'ORG') card.org = unescape(splitUnescaped(value, ';')[0] ?? '').trim();
    else if (name === 'TEL' && value.trim()) card.tels.push(value.trim());
    else if (name === 'CATEGORIES') card.categories.push(...splitUnescaped(value, ',').map((c) => unescape(c).trim()).filter(Boolean));
  }

  private finish(card: Card): void {
    const name = card.fn || card.org;
    if (!name || !card.tels.length) this.skipped++;
    else this.contacts.push({ name, numbers: card.tels, groups: card.categories });
  }
}

/** Reads a vCard file in the stream's chunks: the event loop gets a turn between them. */
export async function readVCardContacts(path: string): Promise<SourceLoad> {
  const reader = new VCardReader();
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) reader.write(chunk as string);
  return reader.end();
}

/** The colon that ends the name and parameters (a quoted parameter value may hold one). */
function valueStart(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return i;
  }
  return -1;
}

function splitUnescaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[++i];
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function unescape(value: string): string {
  return value.replace(/\\([\\,;nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? ' ' : c));
}
