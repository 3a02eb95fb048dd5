import type { PartyNames } from '../names';
import type { ContactSource, SourceLoad } from './source';

/**
 * The PBX's own users, of every connection that uses the directory (they attach and detach as
 * they are deployed); reloaded whenever a PBX reports changed user names.
 */
export class PbxSource implements ContactSource {
  readonly type = 'pbx';
  private readonly connections = new Map<PartyNames, () => void>();
  private onChange: (() => void) | undefined;

  constructor(readonly label: string) {}

  attach(names: PartyNames): void {
    if (this.connections.has(names)) return;
    this.connections.set(
      names,
      names.onUsersChanged(() => this.onChange?.()),
    );
    this.onChange?.();
  }

  detach(names: PartyNames): void {
    this.connections.get(names)?.();
    if (this.connections.delete(names)) this.onChange?.();
  }

  load(): Promise<SourceLoad> {
    const contacts = [...this.connections.keys()].flatMap((names) =>
      names.users().map(({ number, name }) => ({ name, numbers: [number], groups: [] })),
    );
    return Promise.resolve({ contacts, skipped: 0 });
  }

  watch(onChange: () => void): () => void {
    this.onChange = onChange;
    return () => {
      this.onChange = undefined;
    };
  }

  close(): Promise<void> {
    for (const stop of this.connections.values()) stop();
    this.connections.clear();
    return Promise.resolve();
  }
}
