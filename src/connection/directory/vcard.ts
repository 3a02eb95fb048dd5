import type { RawContact, SourceLoad } from './source';

/**
 * vCard 3.0 (RFC 2426) and 4.0 (RFC 6350), as much as a phone book needs: `FN` (else the first
 * `ORG` component) as the name, every `TEL` (4.0 `tel:` URIs too), `CATEGORIES` as groups. Written
 * here rather than taken from a package because those four properties are all we read and the
 * parser must stay fast on 50 MB exports full of photos (we never look at the other lines).
 * A card without a name is malformed (skipped and counted); a card without any TEL is simply no
 * phone book entry (address books hold many such cards, none of them broken).
 */
export function parseVCards(text: string): SourceLoad {
  const contacts: RawContact[] = [];
  let skipped = 0;
  let card: CardFields | undefined;
  // Folded lines continue with one space or tab after the line break (RFC 6350 3.2).
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let index = 0;
  while (index < lines.length) {
    let line = lines[index++] as string;
    while (index < lines.length && /^[ \t]/.test(lines[index] as string)) line += (lines[index++] as string).slice(1);
    const property = readProperty(line);
    if (!property) continue;
    if (property.name === 'BEGIN' && property.value.trim().toUpperCase() === 'VCARD') {
      if (card) skipped++; // a card that never ended
      card = { fn: '', org: '', numbers: [], groups: [] };
    } else if (property.name === 'END' && property.value.trim().toUpperCase() === 'VCARD') {
      if (!card) continue;
      const contact = toContact(card);
      if (contact === 'malformed') skipped++;
      else if (contact) contacts.push(contact);
      card = undefined;
    } else if (card) {
      readInto(card, property);
    }
  }
  if (card) skipped++;
  return { contacts, skipped };
}

interface CardFields {
  fn: string;
  org: string;
  numbers: string[];
  groups: string[];
}

interface Property {
  name: string;
  params: string;
  value: string;
}

/** `group.NAME;PARAM=x;PARAM="a:b":value` -> its parts; the name colon is the first one outside quotes. */
function readProperty(line: string): Property | undefined {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ':' && !quoted) {
      const head = line.slice(0, i);
      const semicolon = head.indexOf(';');
      const fullName = semicolon < 0 ? head : head.slice(0, semicolon);
      const name = fullName.slice(fullName.lastIndexOf('.') + 1).toUpperCase();
      return { name, params: semicolon < 0 ? '' : head.slice(semicolon + 1), value: line.slice(i + 1) };
    }
  }
  return undefined;
}

function readInto(card: CardFields, { name, params, value }: Property): void {
  switch (name) {
    case 'FN':
      card.fn = oneLine(unescapeText(value));
      break;
    case 'ORG':
      card.org = oneLine(unescapeText(splitUnescaped(value, ';')[0] ?? ''));
      break;
    case 'TEL': {
      const number = telNumber(value, params);
      if (number) card.numbers.push(number);
      break;
    }
    case 'CATEGORIES':
      for (const part of splitUnescaped(value, ',')) {
        const group = oneLine(unescapeText(part));
        if (group && !card.groups.includes(group)) card.groups.push(group);
      }
      break;
  }
}

/** 3.0 writes the number as text; 4.0 mostly as a `tel:` URI (`tel:+1-555-555-5555;ext=5555`). */
function telNumber(value: string, params: string): string {
  const uri = /^tel:/i.test(value.trim()) || /(^|;)VALUE=uri(;|$)/i.test(params);
  if (!uri) return oneLine(unescapeText(value));
  // Some servers (Radicale through vobject) store the URI's `;` escaped as text: `tel:+1-555\;ext=5`.
  const body = unescapeText(value.trim()).replace(/^tel:/i, '');
  // The URI's parameters (`;ext=`, `;phone-context=`) are no part of the number a PBX reports.
  const number = body.split(';')[0] ?? '';
  try {
    return decodeURIComponent(number).trim();
  } catch {
    return number.trim();
  }
}

function toContact(card: CardFields): RawContact | 'malformed' | undefined {
  const name = card.fn || card.org;
  if (!name) return 'malformed';
  if (card.numbers.length === 0) return undefined;
  return { name, numbers: card.numbers, groups: card.groups };
}

/** Splits on `separator` where it is not escaped with a backslash. */
function splitUnescaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && i + 1 < value.length) {
      current += ch + value[++i];
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeText(value: string): string {
  return value.replace(/\\([nN,;:\\])/g, (_, ch: string) => (ch === 'n' || ch === 'N' ? '\n' : ch));
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
