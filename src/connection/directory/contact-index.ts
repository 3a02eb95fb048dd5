import type { Contact } from '../../model/types';
import { numberKey, type NumberPlan } from './numbers';
import type { RawContact } from './source';

/** Longest stretch of work between two yields to the event loop while indexing. */
const SLICE_MS = 10;
const NO_GROUPS: readonly string[] = Object.freeze([]);

/** One phone book entry, held once however many numbers point at it. */
export interface Entry {
  name: string;
  groups: readonly string[];
  /** The normalized numbers (keys), in the source's order. */
  numbers: string[];
}

/**
 * One source's contacts as the directory searches them: normalized numbers -> entry (the
 * source's first entry with a number keeps it), and by the last digits for the suffix match.
 */
export class ContactIndex {
  readonly entries: Entry[] = [];
  /** Contacts without a single usable number: skipped like malformed ones. */
  unusable = 0;
  private readonly byNumber = new Map<string, Entry>();
  private readonly bySuffix = new Map<string, Entry>();

  private constructor(
    readonly source: string,
    private readonly suffixDigits: number,
  ) {}

  static readonly empty = (source: string): ContactIndex => new ContactIndex(source, 0);

  /** Normalizes every number once, in slices so a 100,000 contact load never stalls the event loop. */
  static async build(source: string, contacts: readonly RawContact[], plan: NumberPlan, suffixDigits: number): Promise<ContactIndex> {
    const index = new ContactIndex(source, suffixDigits);
    let sliceStart = Date.now();
    for (const contact of contacts) {
      index.add(contact, plan);
      if (Date.now() - sliceStart >= SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = Date.now();
      }
    }
    return index;
  }

  get size(): number {
    return this.entries.length;
  }

  find(key: string): Contact | undefined {
    const entry = this.byNumber.get(key);
    return entry && this.contact(entry, key);
  }

  findBySuffix(key: string): Contact | undefined {
    if (!this.suffixDigits || key.replace(/^\+/, '').length < this.suffixDigits) return undefined;
    const entry = this.bySuffix.get(key.slice(-this.suffixDigits));
    return entry && this.contact(entry, entry.numbers.find((n) => n.endsWith(key.slice(-this.suffixDigits))) ?? key);
  }

  /** The entry as a contact, with its own groups array: a flow may change the message it gets. */
  contact(entry: Entry, number: string): Contact {
    return { name: entry.name, number, groups: [...entry.groups], source: this.source };
  }

  private add(raw: RawContact, plan: NumberPlan): void {
    const numbers: string[] = [];
    for (const text of raw.numbers) {
      const key = numberKey(text, plan);
      if (key && !numbers.includes(key)) numbers.push(key);
    }
    const name = cleanText(raw.name);
    if (!numbers.length || !name) {
      this.unusable++;
      return;
    }
    const groups = raw.groups.map(cleanText).filter(Boolean);
    const entry: Entry = { name, groups: groups.length ? groups : NO_GROUPS, numbers };
    this.entries.push(entry);
    for (const key of numbers) {
      if (!this.byNumber.has(key)) this.byNumber.set(key, entry);
      if (this.suffixDigits && key.replace(/^\+/, '').length >= this.suffixDigits) {
        const suffix = key.slice(-this.suffixDigits);
        if (!this.bySuffix.has(suffix)) this.bySuffix.set(suffix, entry);
      }
    }
  }
}

const MAX_TEXT = 100;

/** Names and groups are text from outside: control characters removed, cut at 100 characters. */
function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return String(text ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim().slice(0, MAX_TEXT);
}
