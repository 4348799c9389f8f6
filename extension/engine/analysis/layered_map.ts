/**
 * Maps the analysis of a model's calls reads and writes by key (every output's field and dilation
 * chain, each layer's report): plain Maps, or, when it resumes after a kept prefix (prefix_memo.ts),
 * maps layered over the prefix's, which it never writes.
 */

/** What the analysis reads and writes by key: a Map, or one layered over a kept one. */
export interface KeyedState<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  /** Every entry, in the order it was first set (a taken tail's map lists its own first: tail_memo.ts). */
  entries(): IterableIterator<[K, V]>;
}

/**
 * Writes go to a map of its own; reads fall back on `base`, which it never writes. No value is
 * undefined (fields, chains and reports never are). `values()` lists as one Map would: the base's
 * keys in their order (a value re-set here in its place), then the keys added here.
 */
export class LayeredMap<K, V> implements KeyedState<K, V> {
  private readonly own = new Map<K, V>();
  /** Keys of the base set here again: while none is, `values()` is the base's then the own ones. */
  private overrides = 0;

  constructor(private readonly base: ReadonlyMap<K, V>) {}

  get(key: K): V | undefined {
    // A value is never undefined, and one set here hides the base's.
    const v = this.own.get(key);
    return v !== undefined ? v : this.base.get(key);
  }

  set(key: K, value: V): void {
    if (this.base.has(key) && !this.own.has(key)) this.overrides++;
    this.own.set(key, value);
  }

  /** Whether a key of the base was set here again. */
  baseOverridden(): boolean {
    return this.overrides > 0;
  }

  has(key: K): boolean {
    return this.own.has(key) || this.base.has(key);
  }

  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  /** `values()` as a new array; while no base key was set again, the base's listed once, then the own ones. */
  valueList(): V[] {
    if (this.overrides > 0) return [...this.values()];
    const list = valuesOf(this.base).slice();
    for (const v of this.own.values()) list.push(v);
    return list;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [key, value] of this.base) yield [key, this.own.has(key) ? this.own.get(key)! : value];
    for (const [key, value] of this.own) if (!this.base.has(key)) yield [key, value];
  }

  /** One plain map with the same entries in the same order. */
  flatten(): Map<K, V> {
    const out = new Map(this.base);
    for (const [key, value] of this.own) out.set(key, value);
    return out;
  }
}

/** A base map's values, listed once: a base is never written once maps are layered over it. */
const baseValues = new WeakMap<ReadonlyMap<unknown, unknown>, unknown[]>();

function valuesOf<V>(base: ReadonlyMap<unknown, V>): V[] {
  let values = baseValues.get(base) as V[] | undefined;
  if (!values) baseValues.set(base, (values = [...base.values()]));
  return values;
}
