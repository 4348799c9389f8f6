/**
 * Maps the analysis of a model's calls reads and writes by key (every output's field and dilation
 * chain, each layer's report): plain Maps, or, when it resumes after a kept prefix (prefix_memo.ts),
 * maps layered over the prefix's, which it never writes.
 */

/** What the analysis reads and writes by key: a Map, or one layered over a kept one. */
export interface KeyedState<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
}

/**
 * Writes go to a map of its own; reads fall back on `base`, which it never writes. `values()`
 * lists as one Map would: the base's keys in their order (a value re-set here in its place), then
 * the keys added here.
 */
export class LayeredMap<K, V> implements KeyedState<K, V> {
  private readonly own = new Map<K, V>();

  constructor(private readonly base: ReadonlyMap<K, V>) {}

  get(key: K): V | undefined {
    return this.own.has(key) ? this.own.get(key) : this.base.get(key);
  }

  set(key: K, value: V): void {
    this.own.set(key, value);
  }

  has(key: K): boolean {
    return this.own.has(key) || this.base.has(key);
  }

  *values(): IterableIterator<V> {
    for (const [key, value] of this.base) yield this.own.has(key) ? this.own.get(key)! : value;
    for (const [key, value] of this.own) if (!this.base.has(key)) yield value;
  }

  /** One plain map with the same entries in the same order. */
  flatten(): Map<K, V> {
    const out = new Map(this.base);
    for (const [key, value] of this.own) out.set(key, value);
    return out;
  }
}
