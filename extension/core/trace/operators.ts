/** Python operators, subscripts and assignment targets over traced values. */
import type { SyntaxNode } from '@lezer/common';
import { applyTensorOp } from './layer_calls';
import { noteModelBinding, setModelTrainable } from './models';
import type { Interpreter } from './interpreter';
import { isPunct, kids } from './interpreter';
import { percentFormat } from './pyformat';
import type { Scope } from './scope';
import { bool, equals, float, int, isNumber, iterate, list, str, truthy, tuple, unknown, Value } from './values';

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
    case '<<': return int(a * 2 ** b);
    case '>>': return int(Math.floor(a / 2 ** b));
    case '&': return int(a & b);
    case '|': return int(a | b);
    case '^': return int(a ^ b);
    case '<': return bool(a < b);
    case '>': return bool(a > b);
    case '<=': return bool(a <= b);
    case '>=': return bool(a >= b);
    default: return unknown(`operator ${op}`);
  }
}

function asNumber(v: Value): number | null {
  if (isNumber(v)) return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  return null;
}

function compareSeq(op: string, a: string | Value[], b: string | Value[]): Value {
  if (typeof a === 'string' && typeof b === 'string') {
    const c = a < b ? -1 : a > b ? 1 : 0;
    return bool(op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0);
  }
  return unknown('sequence comparison');
}

export function binaryOp(it: Interpreter, op: string, a: Value, b: Value, site: SyntaxNode): Value {
  if (op === '==' || op === '!=') {
    const e = equals(a, b);
    return e === null ? unknown('comparison of unknown values') : bool(op === '==' ? e : !e);
  }
  if (op === 'is' || op === 'is not') {
    if (a.t === 'unknown' || b.t === 'unknown') return unknown('identity of unknown values');
    const same = a === b || (a.t === 'none' && b.t === 'none') || (a.t === 'bool' && b.t === 'bool' && a.v === b.v);
    return bool(op === 'is' ? same : !same);
  }
  if (op === 'in' || op === 'not in') {
    if (b.t === 'str' && a.t === 'str') return bool(b.v.includes(a.v) === (op === 'in'));
    const items = iterate(b, 1_000_000);
    if (!items || a.t === 'unknown') return unknown('membership test');
    let found: boolean | null = false;
    for (const x of items) {
      const e = equals(a, x);
      if (e === true) {
        found = true;
        break;
      }
      if (e === null) found = null;
    }
    return found === null ? unknown('membership test') : bool(found === (op === 'in'));
  }
  if (a.t === 'tensor' || b.t === 'tensor') return applyTensorOp(it, op, a, b, site);
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== null && y !== null) return numeric(op, x, y, a.t !== 'float' && b.t !== 'float' && op !== '/');
  if (op === '+') {
    if (a.t === 'str' && b.t === 'str') return str(a.v + b.v);
    if (a.t === 'list' && b.t === 'list') return list([...a.items, ...b.items]);
    if (a.t === 'tuple' && b.t === 'tuple') return tuple([...a.items, ...b.items]);
  }
  if (op === '*') {
    const [seq, n] = y !== null ? [a, y] : [b, x];
    if (n !== null) {
      const times = Math.max(0, Math.min(n, 1_000_000));
      if (seq.t === 'str') return str(seq.v.repeat(times));
      if (seq.t === 'list' || seq.t === 'tuple') {
        const items: Value[] = [];
        for (let i = 0; i < times; i++) items.push(...seq.items);
        return seq.t === 'list' ? list(items) : tuple(items);
      }
    }
  }
  if (op === '%' && a.t === 'str' && b.t !== 'unknown') {
    const text = percentFormat(a.v, b);
    return text === null ? unknown('string formatting') : str(text);
  }
  if (['<', '>', '<=', '>='].includes(op)) {
    if (a.t === 'str' && b.t === 'str') return compareSeq(op, a.v, b.v);
  }
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
  if (op === '~') return int(~n);
  return unknown(`unary ${op}`);
}

function normIndex(i: number, len: number): number | null {
  const j = i < 0 ? i + len : i;
  return j >= 0 && j < len ? j : null;
}

function sliceBounds(len: number, start: Value | null, stop: Value | null, step: Value | null): number[] | null {
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
  const out: number[] = [];
  for (let i = a; st > 0 ? i < b : i > b; i += st) out.push(i);
  return out;
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
    const seq = obj.t === 'str' ? [...obj.v] : obj.t === 'list' || obj.t === 'tuple' ? obj.items : null;
    if (!seq) return unknown('slice of a non-sequence');
    const idx = sliceBounds(seq.length, slots[0], slots[1], slots[2]);
    if (!idx) return unknown('slice with unknown bounds');
    if (obj.t === 'str') return str(idx.map((i) => (seq as string[])[i]).join(''));
    const items = idx.map((i) => (seq as Value[])[i]);
    return obj.t === 'list' ? list(items) : tuple(items);
  }
  const key = it.eval(parts[0], scope);
  return getItem(obj, key);
}

export function getItem(obj: Value, key: Value): Value {
  if (obj.t === 'dict') {
    const i = obj.keys.findIndex((k) => equals(k, key) === true);
    return i >= 0 ? obj.vals[i] : unknown('missing dict key');
  }
  const n = asNumber(key);
  if (n === null) return unknown('unknown index');
  if (obj.t === 'list' || obj.t === 'tuple') {
    const j = normIndex(n, obj.items.length);
    return j === null ? unknown('index out of range') : obj.items[j];
  }
  if (obj.t === 'str') {
    const j = normIndex(n, obj.v.length);
    return j === null ? unknown('index out of range') : str(obj.v[j]);
  }
  return unknown(`indexing a ${obj.t}`);
}

function setItem(obj: Value, key: Value, value: Value): void {
  if (obj.t === 'list') {
    const n = asNumber(key);
    const j = n === null ? null : normIndex(n, obj.items.length);
    if (j !== null) obj.items[j] = value;
  } else if (obj.t === 'dict') {
    const i = obj.keys.findIndex((k) => equals(k, key) === true);
    if (i >= 0) obj.vals[i] = value;
    else {
      obj.keys.push(key);
      obj.vals.push(value);
    }
  }
}

/** `layer.trainable = False` / `model.trainable = False` freeze weights (they become non-trainable). */
function setTrainable(obj: Value, trainable: boolean): void {
  if (obj.t === 'layer') obj.layer.trainable = trainable;
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
    const items = iterate(value, 1_000_000);
    const starAt = targets.findIndex((t) => t.name === '*');
    const names = targets.filter((t) => t.name !== '*');
    if (!items || (starAt < 0 && items.length !== names.length) || (starAt >= 0 && items.length < names.length - 1)) {
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
    if (inner.length === 1) setItem(obj, it.eval(inner[0], scope), value);
  }
}
