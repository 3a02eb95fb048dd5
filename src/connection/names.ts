import type { Contact } from '../model/types';

/**
 * A phone book as the connection sees it (`pbx-directory` plugs in here). Answers from memory
 * only: the event path never waits on a source.
 */
export interface ContactFinder {
  find(number: string): Contact | undefined;
}

/** One user of the PBX as the PBX names it (innovaphone users, onlinePBX `user_list`, Vodia accounts). */
export interface PbxUser {
  number: string;
  name: string;
}

/**
 * The one place that names the parties of every call, lamp and record of a connection, in the
 * contract's order: the phone book, then the name the PBX sent, then none (NODES.md "Who").
 * Skeleton of the seam: the names work fills it in.
 */
export class PartyNames {
  private finder: ContactFinder | undefined;
  private readonly pbxNames = new Map<string, string>();
  private readonly listeners = new Set<() => void>();

  useDirectory(finder: ContactFinder | undefined): void {
    this.finder = finder;
  }

  /** The phone book's contact for a number, if a directory is attached and knows it. */
  contactOf(number: string): Contact | undefined {
    return this.finder?.find(number);
  }

  /** The best name for a number: the phone book's, else the PBX's own user name. */
  nameOf(number: string): string | undefined {
    return this.contactOf(number)?.name ?? this.pbxNames.get(number);
  }

  /**
   * What the PBX says its users are called (adapters report them through the connection):
   * adds or replaces the name of each number, and tells the listeners when any changed.
   */
  learn(users: readonly PbxUser[]): void {
    let changed = false;
    for (const { number, name } of users) {
      if (!number || !name || this.pbxNames.get(number) === name) continue;
      this.pbxNames.set(number, name);
      changed = true;
    }
    if (changed) for (const fn of this.listeners) fn();
  }

  /** The PBX's own users, as the PBX names them (the `pbx` phone book source reads these). */
  users(): PbxUser[] {
    return [...this.pbxNames].map(([number, name]) => ({ number, name }));
  }

  /** Tells `fn` when the PBX's user names change; returns the function that stops it. */
  onUsersChanged(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
