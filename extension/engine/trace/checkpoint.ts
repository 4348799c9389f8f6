/**
 * The interpreter's state saved in place: every object reachable from the roots (context, scopes,
 * values, layers, tensors, models ...) has its contents copied, and `restore` writes them back
 * into the same objects. Identity is kept, so closures the tracer made (bound methods,
 * functools.partial) and side tables keyed by objects stay valid; objects made after the save
 * become unreachable. Syntax nodes, functions and frozen objects never change and are not saved;
 * neither are layer kinds, configs, spans and build results (UNCHANGING_KEYS), nor objects marked
 * as replaced, never changed (markReplacedNeverChanged), nor objects whose writes their owner
 * logs (`logWrites`, `beforeWrite`): those writes are undone instead. A state holding something
 * that cannot be saved this way (a WeakMap) is refused: the caller traces afresh.
 */
import { NodeProp, NodeSet, NodeType, Tree, TreeBuffer } from '@lezer/common';

const enum Kind {
  Atom,
  Array,
  Map,
  Set,
  Object,
  Unsavable,
}

/** How objects of one prototype are saved, decided once per prototype. */
const kinds = new Map<object | null, Kind>();

function kindOf(v: object): Kind {
  const proto = Object.getPrototypeOf(v);
  let kind = kinds.get(proto);
  if (kind === undefined) {
    kind = classify(v, proto);
    kinds.set(proto, kind);
  }
  return kind;
}

function classify(v: object, proto: object | null): Kind {
  if (proto === null || proto === Object.prototype) return Kind.Object;
  if (Array.isArray(v)) return Kind.Array;
  if (v instanceof Map) return Kind.Map;
  if (v instanceof Set) return Kind.Set;
  if (v instanceof WeakMap || v instanceof WeakSet || v instanceof WeakRef || v instanceof Promise) return Kind.Unsavable;
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof RegExp || v instanceof Date || v instanceof Error) return Kind.Atom;
  if (v instanceof Tree || v instanceof TreeBuffer || v instanceof NodeType || v instanceof NodeSet || v instanceof NodeProp) return Kind.Atom;
  // Lezer's syntax nodes (their classes are not exported): immutable views of a tree.
  const node = v as { cursor?: unknown; enter?: unknown; resolveInner?: unknown };
  if (typeof node.cursor === 'function' && typeof node.enter === 'function' && typeof node.resolveInner === 'function') return Kind.Atom;
  // A class of the tracer's own (context, scope, budget ...): its fields, like a plain object.
  return Kind.Object;
}

/**
 * Past this many saved values (objects and their items), a state is not saved: a file with
 * huge lists is traced afresh on each edit rather than held twice in memory.
 */
const MAX_SAVED_VALUES = 1_000_000;

/**
 * Properties whose values are never changed in place, so need no saving: a layer's kind (shared
 * by every trace), its normalized config (replaced when it changes), source spans (made new), a
 * call's build result (its output shape, params, MACs and field steps, made whole by the kind and
 * replaced, never edited: keras_api.ts fillInputAxes). A backbone's results were a third of the
 * objects a keystroke restored.
 */
const UNCHANGING_KEYS = new Set(['kernel', 'config', 'span', 'result']);

/** Objects marked by their owner as replaced when they change, never changed in place: neither saved nor looked into. */
const replacedNeverChanged = new WeakSet<object>();

/**
 * Marks `o` as never changed in place from now on (its owner makes a new one instead): a
 * checkpoint neither saves it nor what it holds, which must then be saved through other paths if
 * it changes. For a state's large settled tables, whose saving and restoring would cost each
 * keystroke a pass over every entry.
 */
export function markReplacedNeverChanged<T extends object>(o: T): T {
  replacedNeverChanged.add(o);
  return o;
}

/** A write to a logged object (or an entry set in a logged Map) since the save: what the key held before it. */
interface LoggedWrite {
  obj: object;
  key: unknown;
  had: boolean;
  old: unknown;
}

/**
 * The writes made since a save to objects the owner logs (`logWrites`): a checkpoint neither saves
 * nor compares those, and undoes their writes instead, so restoring costs what changed. For the
 * layers made before the save (context.ts settleGraph): a backbone's 800 layers were most of what
 * a keystroke in its head restored, and only a few of their fields ever change (trainable, calls).
 */
export class WriteLog {
  readonly writes: LoggedWrite[] = [];

  undo(): void {
    const { writes } = this;
    for (let i = writes.length - 1; i >= 0; i--) {
      const { obj, key, had, old } = writes[i];
      if (obj instanceof Map) {
        if (had) obj.set(key, old);
        else obj.delete(key);
      } else if (had) (obj as Record<string, unknown>)[key as string] = old;
      else delete (obj as Record<string, unknown>)[key as string];
    }
    writes.length = 0;
  }
}

/** The log each logged object's writes go to. */
const logOf = new WeakMap<object, WriteLog>();

/** From now on, writes to `obj` are logged in `log` (each write site calls `beforeWrite`). */
export function logWrites(obj: object, log: WriteLog): void {
  logOf.set(obj, log);
}

/**
 * To be called before writing `obj[key]` (an array's `length` for a push or a truncation of it)
 * wherever an object that may be logged is written: its old value is logged. A write without it
 * would not be undone; the audit (`setCheckpointAudit`) reports such a write.
 */
export function beforeWrite(obj: object, key: string): void {
  const log = logOf.get(obj);
  if (log) log.writes.push({ obj, key, had: key in obj, old: (obj as Record<string, unknown>)[key] });
}

/** To be called before `map.set(key, ...)` on a Map that may be logged (see `beforeWrite`); a logged Map is only ever set, never cleared. */
export function beforeMapSet(map: Map<unknown, unknown>, key: unknown): void {
  const log = logOf.get(map);
  if (log) log.writes.push({ obj: map, key, had: map.has(key), old: map.get(key) });
}

/** Tests: logged objects are saved as well, and each restore checks that undoing their writes brought them back. */
let audit = false;
export function setCheckpointAudit(on: boolean): void {
  audit = on;
}

export class Checkpoint {
  /** Saved objects and their contents, side by side: kind, object, contents. */
  private readonly kinds: Kind[] = [];
  private readonly objects: object[] = [];
  private readonly contents: unknown[][] = [];
  private readonly keys: (string[] | null)[] = [];
  /** With the audit on: logged objects as they were saved (kind, object, contents, keys). */
  private audited: { kind: Kind; object: object; contents: unknown[]; keys: string[] | null }[] = [];

  private constructor(private readonly log: WriteLog | null) {}

  /**
   * Saves everything reachable from `roots`; null when some of it cannot be saved. Objects whose
   * writes go to `log` are not saved (their writes are undone), though what they hold is.
   */
  static save(roots: readonly object[], log: WriteLog | null = null): Checkpoint | null {
    const cp = new Checkpoint(log);
    const seen = new Set<object>();
    const stack: unknown[] = [...roots];
    let values = 0;
    const visit = (v: unknown) => {
      if (typeof v === 'object' && v !== null && !seen.has(v)) stack.push(v);
    };
    while (stack.length > 0) {
      const v = stack.pop() as object;
      if (seen.has(v)) continue;
      seen.add(v);
      const kind = kindOf(v);
      if (kind === Kind.Atom || replacedNeverChanged.has(v)) continue;
      if (kind === Kind.Unsavable) return null;
      const frozen = Object.isFrozen(v);
      let contents: unknown[];
      let keys: string[] | null = null;
      if (kind === Kind.Array) {
        contents = (v as unknown[]).slice();
        for (const x of contents) visit(x);
      } else if (kind === Kind.Map) {
        contents = [];
        for (const [k, x] of v as Map<unknown, unknown>) {
          contents.push(k, x);
          visit(k);
          visit(x);
        }
      } else if (kind === Kind.Set) {
        contents = [...(v as Set<unknown>)];
        for (const x of contents) visit(x);
      } else {
        keys = Object.keys(v);
        contents = new Array(keys.length);
        for (let i = 0; i < keys.length; i++) {
          const x = (v as Record<string, unknown>)[keys[i]];
          contents[i] = x;
          if (!UNCHANGING_KEYS.has(keys[i])) visit(x);
        }
      }
      values += contents.length + 1;
      if (values > MAX_SAVED_VALUES) return null;
      // A frozen object cannot change (its contents still may, and are saved on their own).
      if (frozen) continue;
      if (log && logOf.get(v) === log) {
        if (audit) cp.audited.push({ kind, object: v, contents, keys });
        continue;
      }
      cp.kinds.push(kind);
      cp.objects.push(v);
      cp.contents.push(contents);
      cp.keys.push(keys);
    }
    return cp;
  }

  /**
   * Undoes the logged writes, then writes the saved contents back into every saved object. Most
   * objects did not change since the save, so each is compared first and written only when it
   * differs (reading allocates nothing; writing everything made most of a keystroke's garbage).
   */
  restore(): void {
    this.log?.undo();
    if (audit) this.checkAudited();
    const { kinds, objects, contents, keys } = this;
    for (let i = 0; i < objects.length; i++) restoreOne(kinds[i], objects[i], contents[i], keys[i]);
  }

  private checkAudited(): void {
    for (const { kind, object, contents, keys } of this.audited) {
      const now = kind === Kind.Object ? keys!.map((k) => (object as Record<string, unknown>)[k]) : kind === Kind.Array ? (object as unknown[]) : kind === Kind.Map ? [...(object as Map<unknown, unknown>)].flat() : null;
      const extra = kind === Kind.Object && Object.keys(object).length !== keys!.length;
      if (!now || extra || now.length !== contents.length || now.some((x, i) => x !== contents[i])) {
        throw new Error(`a logged object was written without beforeWrite: ${kind === Kind.Object ? Object.keys(object).join(',') : `array of ${contents.length}`}`);
      }
    }
  }
}

function restoreOne(kind: Kind, object: object, saved: unknown[], names: string[] | null): void {
  switch (kind) {
    case Kind.Array: {
      const a = object as unknown[];
      if (a.length !== saved.length) a.length = saved.length;
      for (let j = 0; j < saved.length; j++) if (a[j] !== saved[j]) a[j] = saved[j];
      break;
    }
    case Kind.Map: {
      const m = object as Map<unknown, unknown>;
      if (!restoreMapInPlace(m, saved)) {
        m.clear();
        for (let j = 0; j < saved.length; j += 2) m.set(saved[j], saved[j + 1]);
      }
      break;
    }
    case Kind.Set: {
      const s = object as Set<unknown>;
      if (!sameSet(s, saved)) {
        s.clear();
        for (const x of saved) s.add(x);
      }
      break;
    }
    default: {
      const o = object as Record<string, unknown>;
      const keys = names!;
      for (let j = 0; j < keys.length; j++) {
        const v = o[keys[j]];
        if (v !== saved[j] || (v === undefined && !(keys[j] in o))) o[keys[j]] = saved[j];
      }
      // Properties added since the save go. (Counted with inherited enumerable ones, which the
      // tracer's classes and plain objects have none of: a count that differs is only checked.)
      let count = 0;
      for (const _ in o) count++;
      if (count !== keys.length) {
        const had = new Set(keys);
        for (const k of Object.keys(o)) if (!had.has(k)) delete o[k];
      }
    }
  }
}

/**
 * Restores a map whose keys still start with the saved keys in the saved order (the usual case:
 * entries were only added or re-set since the save, e.g. a registry of names), by re-setting
 * changed values and deleting the added keys: the same contents and insertion order as refilling
 * it, without rebuilding a large map. False (nothing changed yet) when the keys were reordered or
 * a saved key was deleted: the caller refills it.
 */
function restoreMapInPlace(m: Map<unknown, unknown>, saved: unknown[]): boolean {
  if (m.size * 2 < saved.length) return false;
  let j = 0;
  for (const k of m.keys()) {
    if (j >= saved.length) break;
    if (k !== saved[j]) return false;
    j += 2;
  }
  j = 0;
  for (const [k, v] of m) {
    if (j >= saved.length) m.delete(k);
    else if (v !== saved[j + 1]) m.set(k, saved[j + 1]);
    j += 2;
  }
  return true;
}

function sameSet(s: Set<unknown>, saved: unknown[]): boolean {
  if (s.size !== saved.length) return false;
  let j = 0;
  for (const x of s) if (x !== saved[j++]) return false;
  return true;
}
