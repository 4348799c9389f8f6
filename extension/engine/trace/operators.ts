/** Python operators, subscripts and assignment targets over traced values. */
import { beforeWrite } from './checkpoint';
import type { SyntaxNode } from '@lezer/common';
import { arrayBinary } from './arrays';
import { applyTensorOp } from './layer_calls';
import { noteModelBinding, setModelTrainable } from './models';
import type { Interpreter } from './interpreter';
import { isPunct } from './interpreter';
import { kids } from './syntax_children';
import { percentFormat } from './pyformat';
import type { Meter } from './budget';
import type { Scope } from './scope';
import { bool, equals, float, INEXACT_INT, int, isNumber, iterate, list, rangeLength, sequence, str, truthy, tuple, unknown, Value } from './values';

function pyMod(a: number, b: number): number {
  return a - b * Math.floor(a / b);
}

function numeric(op: string, a: number, b: number, bothInt: boolean): Value {
  switch (op) {
    case '+': return bothInt ? int(a + b) : float(a + b);
    case '-': return bothInt ? int(a - b) : float(a - b);
    case '*': return bothInt ? int(a * b) : float(a * b);
    case '/': return b === 0 ? unknown('division by zero') : float(a / b);
    case '//': return b === 0 ? unknown('division by zero') : bothInt ? int(Math.floor(a / b)) : float(Math.floor(a / b));
    case '%': return b === 0 ? unknown('division by zero') : bothInt ? int(pyMod(a, b)) : float(pyMod(a, b));
    case '**': return bothInt && b >= 0 ? int(a ** b) : float(a ** b);
    case '<<': case '>>': case '&': case '|': case '^': return bothInt ? bitwise(op, a, b) : unknown(`${op} on floats`);
    case '<': return bool(a < b);
    case '>': return bool(a > b);
    case '<=': return bool(a <= b);
    case '>=': return bool(a >= b);
    default: return unknown(`operator ${op}`);
  }
}

/** Python's exact bitwise operators (JS's work on 32 bits). */
function bitwise(op: string, a: number, b: number): Value {
  if (op === '<<' || op === '>>') {
    if (b < 0) return unknown('negative shift count');
    // Past 53 bits a left shift of a non-zero int is inexact, and a right shift leaves 0 or -1.
    if (b > 53) return op === '>>' ? int(a < 0 ? -1 : 0) : a === 0 ? int(0) : unknown(INEXACT_INT);
  }
  const x = BigInt(a);
  const y = BigInt(b);
  const r = op === '<<' ? x << y : op === '>>' ? x >> y : op === '&' ? x & y : op === '|' ? x | y : x ^ y;
  return int(Number(r));
}

function asNumber(v: Value): number | null {
  if (isNumber(v)) return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  return null;
}

function compareStrings(op: string, a: string, b: string, meter: Meter): Value {
  meter.work(Math.min(a.length, b.length) >> 4);
  const c = a < b ? -1 : a > b ? 1 : 0;
  return bool(op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0);
}

function isSequence(v: Value): v is Extract<Value, { t: 'str' | 'list' | 'tuple' }> {
  return v.t === 'str' || v.t === 'list' || v.t === 'tuple';
}

/** `a + b` on two sequences of one kind, its size reserved first. */
function concat(a: Value, b: Value, meter: Meter): Value | null {
  if (a.t === 'str' && b.t === 'str') return meter.allocate(a.v.length + b.v.length) ? str(a.v + b.v) : unknown('a string past the allocation budget');
  if ((a.t === 'list' && b.t === 'list') || (a.t === 'tuple' && b.t === 'tuple')) {
    if (!meter.allocate(a.items.length + b.items.length)) return unknown(`a ${a.t} past the allocation budget`);
    const items = a.items.concat(b.items);
    return a.t === 'list' ? list(items) : tuple(items);
  }
  return null;
}

/** `seq * n`, its size reserved first: `[0] * 10**9` is refused, not built. */
function repeat(seq: Extract<Value, { t: 'str' | 'list' | 'tuple' }>, count: number, meter: Meter): Value {
  const times = Math.max(0, count);
  const unit = seq.t === 'str' ? seq.v.length : seq.items.length;
  if (!meter.allocate(unit * times)) return unknown(`a ${seq.t} past the allocation budget`);
  if (seq.t === 'str') return str(seq.v.repeat(times));
  const items = new Array<Value>(unit * times);
  for (let i = 0; i < items.length; i++) items[i] = seq.items[i % unit];
  return seq.t === 'list' ? list(items) : tuple(items);
}

function membership(op: string, a: Value, b: Value, meter: Meter): Value {
  if (b.t === 'str' && a.t === 'str') {
    meter.work((a.v.length + b.v.length) >> 4);
    return bool(b.v.includes(a.v) === (op === 'in'));
  }
  if (b.t === 'range' && a.t === 'int') {
    const k = (a.v - b.start) / b.step;
    const inside = Number.isInteger(k) && k >= 0 && (b.step > 0 ? a.v < b.stop : a.v > b.stop);
    return bool(inside === (op === 'in'));
  }
  const items = sequence(b, meter);
  if (!items || a.t === 'unknown') return unknown('membership test');
  let found: boolean | null = false;
  for (let i = 0; i < items.length; i++) {
    const e = equals(a, items.at(i)!, meter);
    if (e === true) {
      found = true;
      break;
    }
    if (e === null) found = null;
  }
  return found === null ? unknown('membership test') : bool(found === (op === 'in'));
}

export function binaryOp(it: Interpreter, op: string, a: Value, b: Value, site: SyntaxNode): Value {
  const meter = it.ctx;
  // Bulk work and allocation refusals are reported at the operator's expression.
  it.ctx.budget.site = site;
  if (op === '==' || op === '!=') {
    const e = equals(a, b, meter);
    return e === null ? unknown('comparison of unknown values') : bool(op === '==' ? e : !e);
  }
  if (op === 'is' || op === 'is not') {
    if (a.t === 'unknown' || b.t === 'unknown') return unknown('identity of unknown values');
    const same = a === b || (a.t === 'none' && b.t === 'none') || (a.t === 'bool' && b.t === 'bool' && a.v === b.v);
    return bool(op === 'is' ? same : !same);
  }
  if (op === 'in' || op === 'not in') return membership(op, a, b, meter);
  if (a.t === 'tensor' || b.t === 'tensor') return applyTensorOp(it, op, a, b, site);
  const onArray = arrayBinary(op, a, b);
  if (onArray) return onArray;
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== null && y !== null) {
    const result = numeric(op, x, y, a.t !== 'float' && b.t !== 'float' && op !== '/');
    if (result.t === 'unknown' && result.why === INEXACT_INT) {
      it.ctx.diagnostics.info('inexact-size', `\`${it.ctx.source(site)}\` is past 2^53, more than ConvLens can compute exactly, so it is unknown.`, it.ctx.span(site));
    }
    return result;
  }
  if (op === '+') {
    const joined = concat(a, b, meter);
    if (joined) return joined;
  }
  if (op === '*') {
    const [seq, count] = isSequence(a) ? [a, b] : [b, a];
    if (isSequence(seq) && (count.t === 'int' || count.t === 'bool')) return repeat(seq, Number(count.v), meter);
  }
  if (op === '%' && a.t === 'str' && b.t !== 'unknown') {
    const text = percentFormat(a.v, b, meter);
    return text === null ? unknown('string formatting') : str(text);
  }
  if (['<', '>', '<=', '>='].includes(op) && a.t === 'str' && b.t === 'str') return compareStrings(op, a.v, b.v, meter);
  return unknown(`${op} on ${a.t} and ${b.t}`);
}

export function unaryOp(op: string, v: Value): Value {
  if (op === 'not') {
    const t = truthy(v);
    return t === null ? unknown('not of unknown') : bool(!t);
  }
  if (v.t === 'tensor') return v;
  const n = asNumber(v);
  if (n === null) return unknown(`unary ${op}`);
  const isInt = v.t !== 'float';
  if (op === '-') return isInt ? int(-n) : float(-n);
  if (op === '+') return isInt ? int(n) : float(n);
  if (op === '~') return isInt ? int(-n - 1) : unknown('~ on a float');
  return unknown(`unary ${op}`);
}

function normIndex(i: number, len: number): number | null {
  const j = i < 0 ? i + len : i;
  return j >= 0 && j < len ? j : null;
}

/** The positions a slice picks, as start + k * step for k < count; null when a bound is unknown. */
function slicePositions(len: number, start: Value | null, stop: Value | null, step: Value | null): { from: number; step: number; count: number } | null {
  const st = step ? asNumber(step) : 1;
  if (st === null || st === 0) return null;
  const clamp = (v: Value | null, dflt: number): number | null => {
    if (!v || v.t === 'none') return dflt;
    const n = asNumber(v);
    if (n === null) return null;
    const j = n < 0 ? n + len : n;
    return st > 0 ? Math.min(Math.max(j, 0), len) : Math.min(Math.max(j, -1), len - 1);
  };
  const a = clamp(start, st > 0 ? 0 : len - 1);
  const b = clamp(stop, st > 0 ? len : -1);
  if (a === null || b === null) return null;
  return { from: a, step: st, count: Math.max(0, Math.ceil((b - a) / st)) };
}

/** A slice of a sequence, its size reserved first; strings are sliced by code point, as in Python. */
function sliceOf(obj: Value, slots: (Value | null)[], meter: Meter): Value {
  if (obj.t !== 'str' && obj.t !== 'list' && obj.t !== 'tuple') return unknown('slice of a non-sequence');
  // Only a string with surrogate pairs needs splitting into code points (which makes a value per character).
  const chars = obj.t === 'str' && /[\uD800-\uDFFF]/.test(obj.v) ? (meter.allocateValues(obj.v.length) ? Array.from(obj.v) : null) : null;
  if (obj.t === 'str') meter.work(obj.v.length >> 4);
  const len = chars ? chars.length : obj.t === 'str' ? obj.v.length : obj.items.length;
  const at = slicePositions(len, slots[0], slots[1], slots[2]);
  if (!at) return unknown('slice with unknown bounds');
  if (!meter.allocate(at.count)) return unknown('a slice past the allocation budget');
  if (obj.t === 'str' && !chars && at.step === 1) return str(obj.v.slice(at.from, at.from + at.count));
  const pick = new Array<Value | string>(at.count);
  for (let k = 0; k < at.count; k++) {
    const i = at.from + k * at.step;
    pick[k] = chars ? chars[i] : obj.t === 'str' ? obj.v[i] : obj.items[i];
  }
  if (obj.t === 'str') return str(pick.join(''));
  return obj.t === 'list' ? list(pick as Value[]) : tuple(pick as Value[]);
}

/** obj[...] for the subscript children between the brackets. */
export function subscript(it: Interpreter, obj: Value, inner: SyntaxNode[], scope: Scope): Value {
  const dims: SyntaxNode[][] = [[]];
  for (const c of inner) {
    if (c.name === ',') dims.push([]);
    else dims[dims.length - 1].push(c);
  }
  if (obj.t === 'tensor') return unknown('tensor slicing');
  if (dims.length !== 1) return unknown('multi-dimensional indexing');
  const parts = dims[0];
  if (parts.length === 0) return unknown('empty subscript');
  if (parts.some((p) => p.name === ':')) {
    const slots: (Value | null)[] = [null, null, null];
    let k = 0;
    for (const p of parts) {
      if (p.name === ':') k++;
      else slots[k] = it.eval(p, scope);
    }
    return sliceOf(obj, slots, it.ctx);
  }
  const key = it.eval(parts[0], scope);
  return getItem(obj, key, it.ctx);
}

export function getItem(obj: Value, key: Value, meter: Meter): Value {
  if (obj.t === 'dict') {
    const i = obj.keys.findIndex((k) => equals(k, key, meter) === true);
    return i >= 0 ? obj.vals[i] : unknown('missing dict key');
  }
  const n = asNumber(key);
  if (n === null) return unknown('unknown index');
  if (obj.t === 'list' || obj.t === 'tuple') {
    const j = normIndex(n, obj.items.length);
    return j === null ? unknown('index out of range') : obj.items[j];
  }
  if (obj.t === 'range') {
    const j = normIndex(n, rangeLength(obj));
    return j === null ? unknown('index out of range') : int(obj.start + j * obj.step);
  }
  if (obj.t === 'str') {
    const j = normIndex(n, obj.v.length);
    return j === null ? unknown('index out of range') : str(obj.v[j]);
  }
  return unknown(`indexing a ${obj.t}`);
}

function setItem(obj: Value, key: Value, value: Value, meter: Meter): void {
  if (obj.t === 'list') {
    const n = asNumber(key);
    const j = n === null ? null : normIndex(n, obj.items.length);
    if (j !== null) obj.items[j] = value;
  } else if (obj.t === 'dict') {
    const i = obj.keys.findIndex((k) => equals(k, key, meter) === true);
    if (i >= 0) obj.vals[i] = value;
    else {
      obj.keys.push(key);
      obj.vals.push(value);
    }
  }
}

/** `layer.trainable = False` / `model.trainable = False` freeze weights (they become non-trainable). */
function setTrainable(obj: Value, trainable: boolean): void {
  if (obj.t === 'layer') {
    beforeWrite(obj.layer, 'trainable');
    obj.layer.trainable = trainable;
  }
  const model = obj.t === 'model' ? obj.model : obj.t === 'instance' ? obj.model : undefined;
  if (model) setModelTrainable(model, trainable);
}

/** Assigns to a target node, or destructures into `multi` targets when given. */
export function assignTarget(it: Interpreter, node: SyntaxNode | null, value: Value, scope: Scope, multi?: SyntaxNode[]): void {
  if (multi || node?.name === 'TupleExpression' || node?.name === 'ArrayExpression' || node?.name === 'ParenthesizedExpression') {
    const targets = multi ?? kids(node!).filter((c) => !isPunct(c));
    if (!multi && node!.name === 'ParenthesizedExpression' && targets.length === 1 && !kids(node!).some((c) => c.name === ',')) {
      assignTarget(it, targets[0], value, scope);
      return;
    }
    const items = iterate(value, it.ctx);
    const starAt = targets.findIndex((t) => t.name === '*');
    const names = targets.filter((t) => t.name !== '*');
    const starred = starAt >= 0 && items && items.length >= names.length - 1 && !it.ctx.allocate(items.length - names.length + 1);
    if (!items || starred || (starAt < 0 && items.length !== names.length) || (starAt >= 0 && items.length < names.length - 1)) {
      if (value.t !== 'unknown') it.ctx.diagnostics.info('unpack', `ConvLens could not unpack ${value.t} into ${names.length} targets.`, it.ctx.span(node ?? targets[0]));
      for (const t of names) assignTarget(it, t, unknown('unpacking failed'), scope);
      return;
    }
    if (starAt < 0) names.forEach((t, i) => assignTarget(it, t, items[i], scope));
    else {
      const after = names.length - starAt - 1;
      names.forEach((t, i) => {
        if (i < starAt) assignTarget(it, t, items[i], scope);
        else if (i === starAt) assignTarget(it, t, list(items.slice(starAt, items.length - after)), scope);
        else assignTarget(it, t, items[items.length - (names.length - i)], scope);
      });
    }
    return;
  }
  if (!node) return;
  if (node.name === 'VariableName') {
    const name = it.ctx.source(node);
    scope.assign(name, value);
    if (value.t === 'tensor') it.ctx.noteTensorName(node, name, value.tensor);
    noteModelBinding(value, name, scope.parent === null);
    return;
  }
  if (node.name === 'MemberExpression') {
    const parts = kids(node);
    const obj = it.eval(parts[0], scope);
    if (parts[1]?.name === '.') {
      const prop = parts[2] ? it.ctx.source(parts[2]) : '';
      if (obj.t === 'instance') obj.attrs.set(prop, value);
      else if (prop === 'trainable' && value.t === 'bool') setTrainable(obj, value.v);
      return;
    }
    const inner = parts.slice(2, -1);
    if (inner.length === 1) setItem(obj, it.eval(inner[0], scope), value, it.ctx);
  }
}
