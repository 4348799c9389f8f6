/** Python values as the tracer models them. Anything it cannot evaluate is `unknown`. */
import type { SyntaxNode } from '@lezer/common';
import type { LayerInstance, SymTensor } from '../graph';
import { type Meter, NEW_VALUE_WORK } from './budget';
import type { TraceContext } from './context';
import type { ArrayValue } from './arrays';
import type { ModelObject } from './models';
import type { Scope } from './scope';

export interface ParamDef {
  name: string;
  kind: 'normal' | 'star' | 'dstar' | 'kwonly';
  default?: Value;
}

export interface FuncValue {
  t: 'func';
  name: string;
  params: ParamDef[];
  /** The Body node, or the lambda's expression. */
  body: SyntaxNode;
  isLambda: boolean;
  closure: Scope;
  /** The class whose body defined this function (for super()). */
  ownerClass?: ClassValue;
}

export interface ClassValue {
  t: 'class';
  name: string;
  bases: Value[];
  attrs: Map<string, Value>;
  span: { from: number; to: number };
}

export interface InstanceValue {
  t: 'instance';
  cls: ClassValue;
  attrs: Map<string, Value>;
  /** Set when the class derives from keras.Model. */
  model?: ModelObject;
  /** Set when the class derives from keras.layers.Layer: inputs built once. */
  built?: boolean;
  /** A custom Layer's name (given, or Keras' automatic one) and where it was constructed. */
  layerName?: string;
  span?: { from: number; to: number };
  /** Its own variables (`self.add_weight`): shape (null when unknown) and trainability. */
  ownWeights?: { shape: (number | null)[] | null; trainable: boolean }[];
}

/** A builtin charges its bulk work and allocations to `ctx` before doing them. */
export type BuiltinFn = (args: Value[], kwargs: Map<string, Value>, site: SyntaxNode, ctx: TraceContext) => Value;

export type Value =
  | { t: 'int'; v: number }
  | { t: 'float'; v: number }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'tuple'; items: Value[] }
  | { t: 'list'; items: Value[] }
  | { t: 'dict'; keys: Value[]; vals: Value[] }
  | { t: 'range'; start: number; stop: number; step: number }
  | FuncValue
  /** `holds`: values its closure keeps (so a checkpoint of the tracer's state saves them too). */
  | { t: 'builtin'; name: string; call: BuiltinFn; holds?: Value[] }
  | ClassValue
  | InstanceValue
  /** A dotted name from an import (keras.layers.Conv2D, math.ceil ...), resolved when used. */
  | { t: 'module'; path: string }
  | { t: 'layer'; layer: LayerInstance }
  | { t: 'tensor'; tensor: SymTensor }
  | { t: 'model'; model: ModelObject }
  /** A NumPy array of known shape (see arrays.ts). */
  | ArrayValue
  | { t: 'bound'; self: Value; fn: Value }
  /** super() inside a method: attribute lookup starts after `cls`. */
  | { t: 'super'; self: InstanceValue; cls: ClassValue }
  /** An opaque Keras object (initializer, regularizer, optimizer ...). */
  | { t: 'object'; name: string; args?: Map<string, Value> }
  /** `spread`: stands for `*xs` / `**kw` that could not be evaluated (how many arguments, and which, is unknown). */
  | { t: 'unknown'; why: string; spread?: true };

export const NONE: Value = { t: 'none' };
export const TRUE: Value = { t: 'bool', v: true };
export const FALSE: Value = { t: 'bool', v: false };

/** Why an int is unknown: Python ints are exact, a JS number past 2^53 is not. */
export const INEXACT_INT = 'an integer past 2^53, which ConvLens cannot compute exactly';
export const int = (v: number): Value => (Number.isSafeInteger(v) ? { t: 'int', v } : unknown(INEXACT_INT));
export const float = (v: number): Value => ({ t: 'float', v });
export const str = (v: string): Value => ({ t: 'str', v });
export const bool = (v: boolean): Value => (v ? TRUE : FALSE);
export const tuple = (items: Value[]): Value => ({ t: 'tuple', items });
export const list = (items: Value[]): Value => ({ t: 'list', items });
export const unknown = (why: string): Value => ({ t: 'unknown', why });
/** Key under which call arguments hold a `**kw` that could not be evaluated. */
export const UNKNOWN_KWARGS = '**';
export const unknownSpread = (why: string): Value => ({ t: 'unknown', why, spread: true });

export function isNumber(v: Value): v is { t: 'int' | 'float'; v: number } {
  return v.t === 'int' || v.t === 'float';
}

/** Python truthiness; null when it cannot be known. */
export function truthy(v: Value): boolean | null {
  switch (v.t) {
    case 'int': case 'float': return v.v !== 0;
    case 'str': return v.v.length > 0;
    case 'bool': return v.v;
    case 'none': return false;
    case 'tuple': case 'list': return v.items.length > 0;
    case 'dict': return v.keys.length > 0;
    case 'range': return rangeLength(v) > 0;
    case 'unknown': return null;
    // NumPy refuses the truth of an array of more than one element.
    case 'array': return null;
    default: return true;
  }
}

export function rangeLength(r: { start: number; stop: number; step: number }): number {
  const n = Math.ceil((r.stop - r.start) / r.step);
  return Math.max(0, n);
}

/**
 * Elements of an iterable, or null when not iterable, unknown, or past the allocation budget
 * (ranges and strings are materialised; lists, tuples and dicts are returned as they are).
 */
export function iterate(v: Value, meter: Meter): Value[] | null {
  switch (v.t) {
    case 'tuple': case 'list': return v.items;
    case 'dict': return v.keys;
    case 'str': return meter.allocateValues(v.v.length) ? Array.from(v.v, str) : null;
    case 'range': {
      const n = rangeLength(v);
      if (!meter.allocateValues(n)) return null;
      const out = new Array<Value>(n);
      for (let i = 0; i < n; i++) out[i] = int(v.start + i * v.step);
      return out;
    }
    default: return null;
  }
}

/** Elements read by index, for loops: a range stays lazy, so `for i in range(10**9)` allocates nothing. */
export interface Sequence {
  readonly length: number;
  at(i: number): Value | undefined;
}

export function sequence(v: Value, meter: Meter): Sequence | null {
  if (v.t === 'range') {
    const { start, step } = v;
    return { length: rangeLength(v), at: (i) => int(start + i * step) };
  }
  const items = iterate(v, meter);
  return items && { length: items.length, at: (i) => items[i] };
}

export function typeName(v: Value): string {
  switch (v.t) {
    case 'int': return 'int';
    case 'float': return 'float';
    case 'str': return 'str';
    case 'bool': return 'bool';
    case 'none': return 'NoneType';
    case 'tuple': return 'tuple';
    case 'list': return 'list';
    case 'dict': return 'dict';
    case 'range': return 'range';
    case 'func': return 'function';
    case 'builtin': return 'builtin_function';
    case 'class': return 'type';
    case 'instance': return v.cls.name;
    case 'module': return v.path;
    case 'layer': return v.layer.type;
    case 'tensor': return 'KerasTensor';
    case 'model': return 'Model';
    case 'array': return 'ndarray';
    case 'bound': return 'method';
    case 'super': return 'super';
    case 'object': return v.name;
    case 'unknown': return 'unknown';
  }
}

function formatFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  return String(x);
}

/** Python str(), or null when the text would pass the allocation budget. */
export function toStr(v: Value, meter: Meter): string | null {
  return v.t === 'str' ? v.v : repr(v, meter);
}

/**
 * Python repr(), or null when the text would pass the allocation budget. Every piece is charged
 * as it is made, so a list repeated inside itself a million times stops early, and a list that
 * contains itself prints as `[...]`, as in Python.
 */
export function repr(v: Value, meter: Meter): string | null {
  const parts: string[] = [];
  const open = new Set<Value>();
  const put = (s: string): boolean => {
    if (!meter.allocate(s.length)) return false;
    parts.push(s);
    return true;
  };
  const walk = (x: Value): boolean => {
    meter.work(NEW_VALUE_WORK);
    if (x.t !== 'list' && x.t !== 'tuple' && x.t !== 'dict') return put(scalarRepr(x));
    const [left, right] = x.t === 'list' ? ['[', ']'] : x.t === 'dict' ? ['{', '}'] : ['(', x.items.length === 1 ? ',)' : ')'];
    if (open.has(x)) return put(`${left}...${right}`);
    open.add(x);
    let ok = put(left);
    const n = x.t === 'dict' ? x.keys.length : x.items.length;
    for (let i = 0; ok && i < n; i++) {
      if (i > 0) ok = put(', ');
      if (x.t === 'dict') ok &&= walk(x.keys[i]) && put(': ') && walk(x.vals[i]);
      else ok &&= walk(x.items[i]);
    }
    open.delete(x);
    return ok && put(right);
  };
  return walk(v) ? parts.join('') : null;
}

function scalarRepr(v: Value): string {
  switch (v.t) {
    case 'int': return String(v.v);
    case 'float': return formatFloat(v.v);
    case 'str': return `'${v.v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'bool': return v.v ? 'True' : 'False';
    case 'none': return 'None';
    case 'range': return `range(${v.start}, ${v.stop}${v.step !== 1 ? `, ${v.step}` : ''})`;
    case 'tensor': return `<KerasTensor shape=${v.tensor.shape ? `(${v.tensor.shape.map((d) => (d === null ? 'None' : d)).join(', ')})` : 'unknown'}>`;
    case 'layer': return `<${v.layer.type} name=${v.layer.name}>`;
    case 'unknown': return '<unknown>';
    default: return `<${typeName(v)}>`;
  }
}

/** Structural equality for the value kinds Python compares by value; each pair compared is charged. */
export function equals(a: Value, b: Value, meter: Meter): boolean | null {
  meter.work(1);
  if (a.t === 'unknown' || b.t === 'unknown') return null;
  if (isNumber(a) && isNumber(b)) return a.v === b.v;
  if ((a.t === 'bool' || isNumber(a)) && (b.t === 'bool' || isNumber(b))) {
    return Number((a as { v: number | boolean }).v) === Number((b as { v: number | boolean }).v);
  }
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'str': {
      const bv = (b as { v: string }).v;
      meter.work(Math.min(a.v.length, bv.length) >> 4);
      return a.v === bv;
    }
    case 'none': return true;
    case 'tuple': case 'list': {
      // The same list is equal to itself (Python compares identical items as equal too).
      if (a === b) return true;
      const bi = (b as { items: Value[] }).items;
      if (a.items.length !== bi.length) return false;
      for (let i = 0; i < bi.length; i++) {
        const e = equals(a.items[i], bi[i], meter);
        if (e !== true) return e;
      }
      return true;
    }
    case 'layer': return a.layer === (b as { layer: unknown }).layer;
    case 'tensor': return a.tensor === (b as { tensor: unknown }).tensor;
    default: return a === b;
  }
}
