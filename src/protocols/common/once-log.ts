import type { LogLevel } from './adapter';

/** Distinct kinds of odd input reported per socket; a PBX inventing new ones cannot flood the log. */
const MAX_KINDS = 50;

/**
 * One debug line per kind of ignored input (a malformed frame, an unknown message name, ...),
 * not one per frame: a PBX that sends garbage in a loop must not flood the log or, through a
 * log that keeps its lines, the memory.
 */
export class OnceLog {
  private readonly seen = new Set<string>();

  constructor(private readonly log: (level: LogLevel, text: string) => void) {}

  debug(kind: string, text: string): void {
    if (this.seen.has(kind) || this.seen.size >= MAX_KINDS) return;
    this.seen.add(kind);
    this.log('debug', text);
  }
}
