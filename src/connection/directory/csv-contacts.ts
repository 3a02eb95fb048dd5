import { createReadStream } from 'fs';
import { open } from 'fs/promises';
import { parse } from 'csv-parse';
import type { RawContact, SourceLoad } from './source';

const NAME_COLUMNS = new Set(['name']);
const GROUP_COLUMNS = new Set(['groups', 'group']);
/** A number as people write them, or a `tel:` URI: digits with separators, at least one digit. */
const LOOKS_LIKE_NUMBER = /^(tel:.*|[\s0-9+()\-./*#]*[0-9][\s0-9+()\-./*#]*)$/i;

/**
 * Reads a CSV phone book with a header row: `name`, any number of number columns (every other
 * column whose values look like numbers: `number`, `mobile`, `home`, ...), optional `groups`
 * (separated by `,` or `;`). Comma or semicolon separated, whichever the header row uses
 * (spreadsheets in many countries write `;`). Streamed: the event loop gets a turn between the
 * file's chunks.
 */
export async function readCsvContacts(path: string): Promise<SourceLoad> {
  const delimiter = await delimiterOf(path);
  const parser = createReadStream(path).pipe(
    parse({
      bom: true,
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      trim: true,
    }),
  );
  let skipped = 0;
  parser.on('skip', () => skipped++);
  const contacts: RawContact[] = [];
  let columns: Columns | undefined;
  for await (const record of parser as AsyncIterable<string[]>) {
    if (!columns) {
      columns = columnsOf(record);
      continue;
    }
    const contact = contactOf(record, columns);
    if (contact) contacts.push(contact);
    else skipped++;
  }
  return { contacts, skipped };
}

/** `;` when the header row has more semicolons than commas, else `,`. */
async function delimiterOf(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4096), 0, 4096, 0);
    const header = buffer.toString('utf8', 0, bytesRead).split(/\r?\n/)[0] ?? '';
    const count = (c: string): number => header.split(c).length - 1;
    return count(';') > count(',') ? ';' : ',';
  } finally {
    await file.close();
  }
}

interface Columns {
  name: number;
  groups: number;
  numbers: number[];
}

function columnsOf(header: string[]): Columns {
  const names = header.map((h) => h.trim().toLowerCase());
  const name = names.findIndex((h) => NAME_COLUMNS.has(h));
  if (name < 0) throw new Error('the CSV file has no "name" column in its header row');
  const groups = names.findIndex((h) => GROUP_COLUMNS.has(h));
  const numbers = names.map((_h, i) => i).filter((i) => i !== name && i !== groups);
  return { name, groups, numbers };
}

function contactOf(record: string[], columns: Columns): RawContact | undefined {
  const name = record[columns.name]?.trim();
  const numbers = columns.numbers.map((i) => record[i]?.trim() ?? '').filter((v) => v && LOOKS_LIKE_NUMBER.test(v));
  if (!name || !numbers.length) return undefined;
  const groups = columns.groups < 0 ? [] : splitGroups(record[columns.groups] ?? '');
  return { name, numbers, groups };
}

function splitGroups(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((g) => g.trim())
    .filter(Boolean);
}
