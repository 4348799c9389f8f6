/** Keras' automatic layer and model names: snake_case of the class, then _1, _2 ... per session. */

/** keras.src.utils.naming.to_snake_case */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

export class NameRegistry {
  private readonly counts = new Map<string, number>();
  /** Automatic names given so far, and the prefix of the last (what a statement asked: statement_graft.ts). */
  autos = 0;
  lastPrefix = '';
  /** While a helper call statement is watched (watched_statement.ts): every prefix asked, in order. */
  asked: string[] | null = null;
  /** How many times the names started again (a watched statement that did so is not taken over). */
  resets = 0;

  /** The next unique name for a prefix: conv2d, conv2d_1, conv2d_2, ... */
  auto(prefix: string): string {
    this.autos++;
    this.lastPrefix = prefix;
    if (this.asked !== null) this.asked.push(prefix);
    const n = this.counts.get(prefix) ?? 0;
    this.counts.set(prefix, n + 1);
    return n === 0 ? prefix : `${prefix}_${n}`;
  }

  /** Counts a name given as `auto` does, without making it (a statement taken over replays its names: statement_graft.ts). */
  skip(prefix: string): void {
    this.autos++;
    this.lastPrefix = prefix;
    this.counts.set(prefix, (this.counts.get(prefix) ?? 0) + 1);
  }

  /** The counts as they are, for `restore`. */
  snapshot(): Map<string, number> {
    return new Map(this.counts);
  }

  restore(counts: Map<string, number>): void {
    this.counts.clear();
    for (const [k, n] of counts) this.counts.set(k, n);
  }

  /** keras.backend.clear_session(): automatic names start again (dense, functional ...). */
  reset(): void {
    this.resets++;
    this.counts.clear();
  }
}
