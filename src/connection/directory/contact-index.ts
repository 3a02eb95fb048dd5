import type { Contact } from '../../model/types';
import { cleanText } from '../names';
import { numberKey, type NumberPlan } from './numbers';
import type { RawContact } from './source';

/** Longest stretch of work between two yields to the event loop while indexing. */
const SLICE_MS = 10;
const NO_GROUPS: readonly string[] = Object.freeze([]);

/** One phone book entry, held once however many numbers point at it. */
export interface Entry {
  name: string;
  groups: readonly string[];
  /** The first normalized number (key); the others point at the entry from the index alone. */
  number: string;
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
  /** Last digits -> the full key that ends with them. */
  private readonly bySuffix = new Map<string, string>();
  /** One frozen array per distinct set of groups: 100,000 contacts in three groups share three arrays. */
  private readonly groupSets = new Map<string, readonly string[]>();

  private constructor(
    readonly source: string,
    private readonly suffixDigits: number,
  ) {}

  static readonly empty = (source: string): ContactIndex => new ContactIndex(source, 0);

  /** Normalizes every number once, in slices so a 100,000 contact load never stalls the event loop. */
  static async build(
    source: string,
    contacts: readonly RawContact[],
    plan: NumberPlan,
    suffixDigits: number,
  ): Promise<ContactIndex> {
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
    const full = this.bySuffix.get(key.slice(-this.suffixDigits));
    return full === undefined ? undefined : this.find(full);
  }

  /** The entry as a contact, with its own groups array: a flow may change the message it gets. */
  contact(entry: Entry, number: string): Contact {
    return { name: entry.name, number, groups: [...entry.groups], source: this.source };
  }

  private add(raw: RawContact, plan: NumberPlan): void {
    const name = heldText(raw.name);
    let entry: Entry | undefined;
    for (const text of raw.numbers) {
      const key = numberKey(text, plan);
      if (!key || !name) continue;
      entry ??= { name, groups: this.groupsOf(raw.groups), number: key };
      if (!this.byNumber.has(key)) this.byNumber.set(key, entry);
      if (this.suffixDigits && key.replace(/^\+/, '').length >= this.suffixDigits) {
        const suffix = key.slice(-this.suffixDigits);
        if (!this.bySuffix.has(suffix)) this.bySuffix.set(suffix, key);
      }
    }
    if (entry) this.entries.push(entry);
    else this.unusable++;
  }

  private groupsOf(raw: readonly string[]): readonly string[] {
    if (!raw.length) return NO_GROUPS;
    const groups = raw.map(heldText).filter(Boolean);
    const id = groups.join('\u0000');
    let shared = this.groupSets.get(id);
    if (!shared) {
      shared = Object.freeze(groups);
      this.groupSets.set(id, shared);
    }
    return shared;
  }
}

/** V8 keeps a string cut from a longer one as a slice of it: a name sliced from a file chunk would keep the chunk. */
const SLICE_MIN_LENGTH = 13;

/** Names and groups are text from outside: cleaned as the PBX's names are (`cleanText`), held on their own. */
function heldText(text: string): string {
  const clean = cleanText(String(text ?? ''));
  return clean.length < SLICE_MIN_LENGTH ? clean : Buffer.from(clean, 'utf8').toString('utf8');
}
