/**
 * Python builtins and methods of builtin types that model-building code uses. Each charges its
 * bulk work (and reserves what it allocates) before doing it, so no single call is unbounded.
 */
import { arrayLen, isNumpyScalar } from './arrays';
import type { Meter } from './budget';
import type { TraceContext } from './context';
import { formatWithSpec } from './pyformat';
import {
  bool, BuiltinFn, equals, float, int, isNumber, iterate, list, NONE, rangeLength, repr, str, toStr, truthy, tuple, typeName, unknown, Value,
} from './values';

function fn(name: string, call: BuiltinFn): [string, Value] {
  return [name, { t: 'builtin', name, call }];
}

function num(v: Value | undefined): number | null {
  if (!v) return null;
  if (isNumber(v)) return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  if (isNumpyScalar(v) && v.value !== undefined) return v.value;
  return null;
}

function items(v: Value | undefined, meter: Meter): Value[] | null {
  return v ? iterate(v, meter) : null;
}

/** A new array of the elements of `v` (for list(), sorted() ...), reserved before it is made. */
function freshItems(v: Value | undefined, meter: Meter): Value[] | null {
  if (!v) return null;
  if (v.t === 'list' || v.t === 'tuple') return meter.allocate(v.items.length) ? v.items.slice() : null;
  if (v.t === 'dict') return meter.allocate(v.keys.length) ? v.keys.slice() : null;
  return iterate(v, meter);
}

/** Appends `more` to `xs` one by one: spreading a huge array into push() overflows the stack. */
function pushAll(xs: Value[], more: readonly Value[]): void {
  const n = more.length;
  for (let i = 0; i < n; i++) xs.push(more[i]);
}

function minMax(pick: (a: number, b: number) => boolean): BuiltinFn {
  return (args, _kwargs, _site, ctx) => {
    const xs = args.length === 1 ? items(args[0], ctx) : args;
    if (!xs || xs.length === 0) return unknown('min/max of unknown');
    ctx.work(xs.length);
    let best = xs[0];
    for (const x of xs.slice(1)) {
      const a = num(x);
      const b = num(best);
      if (a === null || b === null) return unknown('min/max of unknown');
      if (pick(a, b)) best = x;
    }
    return best;
  };
}

/**
 * Sorts numbers or strings in place (what model code sorts); anything else, or a key function
 * (user code a builtin cannot run), gives false. The n log n comparisons are charged first.
 */
function sortInPlace(xs: Value[], kwargs: Map<string, Value>, meter: Meter): boolean {
  const key = kwargs.get('key');
  if (key && key.t !== 'none') return false;
  const rounds = Math.ceil(Math.log2(xs.length + 1));
  if (xs.every((x) => num(x) !== null)) {
    meter.work(xs.length * rounds);
    xs.sort((a, b) => num(a)! - num(b)!);
  } else if (xs.every((x) => x.t === 'str')) {
    const chars = xs.reduce((n, x) => n + (x as { v: string }).v.length, 0);
    meter.work((xs.length + (chars >> 4)) * rounds);
    const text = (v: Value) => (v as { v: string }).v;
    xs.sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
  } else return false;
  const reverse = kwargs.get('reverse');
  if (reverse && truthy(reverse)) xs.reverse();
  return true;
}

function textOf(v: Value, meter: Meter): Value {
  const s = toStr(v, meter);
  return s === null ? unknown('str() past the allocation budget') : str(s);
}

export const BUILTINS = new Map<string, Value>([
  fn('len', ([v]) => {
    if (!v) return unknown('len()');
    if (v.t === 'str') return int(v.v.length);
    if (v.t === 'list' || v.t === 'tuple') return int(v.items.length);
    if (v.t === 'dict') return int(v.keys.length);
    if (v.t === 'range') return int(rangeLength(v));
    if (v.t === 'array') return arrayLen(v);
    return unknown(`len of ${typeName(v)}`);
  }),
  fn('range', (args) => {
    const ns = args.map(num);
    if (ns.some((n) => n === null) || ns.length === 0) return unknown('range of unknown bounds');
    const [a, b, c] = ns as number[];
    if (ns.length === 1) return { t: 'range', start: 0, stop: a, step: 1 };
    if (c === 0) return unknown('range step 0');
    return { t: 'range', start: a, stop: b, step: ns.length > 2 ? c : 1 };
  }),
  fn('int', ([v], _kwargs, _site, ctx) => {
    if (!v) return int(0);
    const n = num(v);
    if (n !== null) return int(Math.trunc(n));
    if (v.t !== 'str') return unknown('int()');
    ctx.work(v.v.length);
    return /^\s*[-+]?\d+\s*$/.test(v.v) ? int(parseInt(v.v, 10)) : unknown('int()');
  }),
  fn('float', ([v], _kwargs, _site, ctx) => {
    if (!v) return float(0);
    const n = num(v);
    if (n !== null) return float(n);
    if (v.t !== 'str') return unknown('float()');
    ctx.work(v.v.length);
    return v.v.trim() !== '' && !Number.isNaN(Number(v.v)) ? float(Number(v.v)) : unknown('float()');
  }),
  fn('str', ([v], _kwargs, _site, ctx) => (v ? (v.t === 'unknown' ? v : textOf(v, ctx)) : str(''))),
  fn('repr', ([v], _kwargs, _site, ctx) => {
    const s = v && v.t !== 'unknown' ? repr(v, ctx) : null;
    return s === null ? unknown('repr()') : str(s);
  }),
  fn('bool', ([v]) => {
    const t = v ? truthy(v) : false;
    return t === null ? unknown('bool()') : bool(t);
  }),
  fn('abs', ([v]) => (v && isNumber(v) ? { t: v.t, v: Math.abs(v.v) } : unknown('abs()'))),
  fn('round', ([v, d]) => {
    const n = num(v);
    if (n === null) return unknown('round()');
    if (!d) {
      // Python rounds half to even.
      const r = Math.round(n);
      return int(Math.abs(n % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r);
    }
    const p = num(d) ?? 0;
    return float(Math.round(n * 10 ** p) / 10 ** p);
  }),
  fn('min', minMax((a, b) => a < b)),
  fn('max', minMax((a, b) => a > b)),
  fn('sum', ([v, start], _kwargs, _site, ctx) => {
    const xs = items(v, ctx);
    if (!xs) return unknown('sum()');
    ctx.work(xs.length);
    let total = num(start) ?? 0;
    let isFloat = start?.t === 'float';
    for (const x of xs) {
      const n = num(x);
      if (n === null) return unknown('sum of unknown');
      total += n;
      isFloat ||= x.t === 'float';
    }
    return isFloat ? float(total) : int(total);
  }),
  fn('divmod', ([a, b]) => {
    const x = num(a);
    const y = num(b);
    if (x === null || y === null || y === 0) return unknown('divmod()');
    return tuple([int(Math.floor(x / y)), int(x - y * Math.floor(x / y))]);
  }),
  fn('pow', ([a, b]) => {
    const x = num(a);
    const y = num(b);
    return x === null || y === null ? unknown('pow()') : a!.t === 'int' && b!.t === 'int' && y >= 0 ? int(x ** y) : float(x ** y);
  }),
  fn('list', ([v], _kwargs, _site, ctx) => {
    const xs = v ? freshItems(v, ctx) : [];
    return xs ? list(xs) : unknown('list()');
  }),
  fn('tuple', ([v], _kwargs, _site, ctx) => {
    const xs = v ? freshItems(v, ctx) : [];
    return xs ? tuple(xs) : unknown('tuple()');
  }),
  fn('set', ([v], _kwargs, _site, ctx) => {
    const xs = v ? freshItems(v, ctx) : [];
    return xs ? list(xs) : unknown('set()');
  }),
  fn('dict', (args, kwargs, _site, ctx) => {
    const keys: Value[] = [];
    const vals: Value[] = [];
    const src = args[0];
    if (src?.t === 'dict') {
      if (!ctx.allocate(2 * src.keys.length)) return unknown('dict()');
      pushAll(keys, src.keys);
      pushAll(vals, src.vals);
    } else if (src) {
      // dict([(k, v), ...]): pairs from any iterable; anything else is not evaluated.
      const pairs = iterate(src, ctx);
      if (!pairs || !ctx.allocate(2 * pairs.length)) return unknown('dict()');
      for (const p of pairs) {
        if ((p.t !== 'tuple' && p.t !== 'list') || p.items.length !== 2) return unknown('dict()');
        const same = keys.map((k) => equals(k, p.items[0], ctx));
        if (same.includes(null)) return unknown('dict()');
        const at = same.indexOf(true);
        if (at >= 0) vals[at] = p.items[1];
        else {
          keys.push(p.items[0]);
          vals.push(p.items[1]);
        }
      }
    }
    for (const [k, v] of kwargs) {
      keys.push(str(k));
      vals.push(v);
    }
    return { t: 'dict', keys, vals };
  }),
  fn('zip', (args, _kwargs, _site, ctx) => {
    const lists: Value[][] = [];
    for (const a of args) {
      const xs = items(a, ctx);
      if (!xs) return unknown('zip of unknown');
      lists.push(xs);
    }
    const n = lists.reduce((m, l) => Math.min(m, l.length), lists.length ? Infinity : 0);
    if (!ctx.allocateValues(n * (lists.length + 1))) return unknown('zip()');
    return list(Array.from({ length: n }, (_, i) => tuple(lists.map((l) => l[i]))));
  }),
  fn('enumerate', ([v, startArg], kwargs, _site, ctx) => {
    const start = startArg ?? kwargs.get('start');
    const xs = items(v, ctx);
    const s = num(start) ?? 0;
    if (!xs || !ctx.allocateValues(3 * xs.length)) return unknown('enumerate of unknown');
    return list(xs.map((x, i) => tuple([int(s + i), x])));
  }),
  fn('reversed', ([v], _kwargs, _site, ctx) => {
    const xs = freshItems(v, ctx);
    return xs ? list(xs.reverse()) : unknown('reversed of unknown');
  }),
  fn('sorted', ([v], kwargs, _site, ctx) => {
    const xs = freshItems(v, ctx);
    return xs && sortInPlace(xs, kwargs, ctx) ? list(xs) : unknown('sorted()');
  }),
  fn('any', ([v], _kwargs, _site, ctx) => {
    const xs = items(v, ctx);
    if (!xs) return unknown('any()');
    ctx.work(xs.length);
    const ts = xs.map(truthy);
    return ts.includes(true) ? bool(true) : ts.includes(null) ? unknown('any()') : bool(false);
  }),
  fn('all', ([v], _kwargs, _site, ctx) => {
    const xs = items(v, ctx);
    if (!xs) return unknown('all()');
    ctx.work(xs.length);
    const ts = xs.map(truthy);
    return ts.includes(false) ? bool(false) : ts.includes(null) ? unknown('all()') : bool(true);
  }),
  fn('isinstance', ([v, cls]) => {
    if (!v || !cls || v.t === 'unknown') return unknown('isinstance()');
    const names = (cls.t === 'tuple' ? cls.items : [cls]).map((c) => (c.t === 'builtin' ? c.name : c.t === 'class' ? c.name : ''));
    const own = v.t === 'instance' ? v.cls.name : typeName(v);
    if (names.includes(own)) return bool(true);
    if (v.t === 'int' && names.includes('float')) return bool(false);
    return names.every((n) => ['int', 'float', 'str', 'list', 'tuple', 'dict', 'bool'].includes(n)) ? bool(false) : unknown('isinstance()');
  }),
  fn('print', () => NONE),
  fn('format', ([v, spec], _kwargs, _site, ctx) => {
    if (!v || v.t === 'unknown') return unknown('format()');
    const s = formatWithSpec(v, spec?.t === 'str' ? spec.v : '', ctx);
    return s === null ? unknown('format()') : str(s);
  }),
  // Iterators over data (next(iter(dataset))): their items are not modelled.
  fn('iter', () => unknown('iter()')),
  fn('next', () => unknown('next()')),
  // ConvLens reads the file as the program Python runs: `if __name__ == "__main__":` is taken.
  ['__name__', str('__main__')],
  fn('hasattr', () => unknown('hasattr()')),
  fn('getattr', ([, , dflt]) => dflt ?? unknown('getattr()')),
]);

function method(name: string, call: BuiltinFn): Value {
  return { t: 'builtin', name, call };
}

function indexOf(keys: Value[], key: Value | undefined, meter: Meter): number {
  return key ? keys.findIndex((k) => equals(k, key, meter) === true) : -1;
}

/** Python's str.replace (all occurrences), with the result's size reserved before it is built. */
function replaceAll(s: string, from: string, to: string, meter: Meter): string | null {
  meter.work(s.length);
  const parts = from === '' ? ['', ...Array.from(s), ''] : s.split(from);
  const size = s.length + (parts.length - 1) * (to.length - from.length);
  return meter.allocate(size) ? parts.join(to) : null;
}

/** Methods of lists, tuples, strings and dicts. */
export function methodOf(obj: Value, name: string): Value | undefined {
  if (obj.t === 'list') {
    const xs = obj.items;
    switch (name) {
      case 'append': return method(name, ([v]) => (xs.push(v ?? NONE), NONE));
      case 'extend': return method(name, ([v], _kwargs, _site, ctx) => {
        const more = items(v, ctx);
        if (more && ctx.allocate(more.length)) pushAll(xs, more);
        return NONE;
      });
      case 'insert': return method(name, ([i, v], _kwargs, _site, ctx) => {
        ctx.work(xs.length);
        xs.splice(num(i) ?? xs.length, 0, v ?? NONE);
        return NONE;
      });
      case 'pop': return method(name, ([i], _kwargs, _site, ctx) => {
        ctx.work(xs.length);
        const n = num(i) ?? -1;
        const j = n < 0 ? n + xs.length : n;
        return j >= 0 && j < xs.length ? xs.splice(j, 1)[0] : unknown('pop from empty list');
      });
      case 'reverse': return method(name, (_args, _kwargs, _site, ctx) => {
        ctx.work(xs.length);
        xs.reverse();
        return NONE;
      });
      case 'copy': return method(name, (_args, _kwargs, _site, ctx) => (ctx.allocate(xs.length) ? list(xs.slice()) : unknown('list.copy()')));
      case 'clear': return method(name, () => ((xs.length = 0), NONE));
      case 'sort': return method(name, (_args, kwargs, _site, ctx) => (sortInPlace(xs, kwargs, ctx) ? NONE : unknown('list.sort()')));
    }
  }
  if (obj.t === 'list' || obj.t === 'tuple') {
    const xs = obj.items;
    if (name === 'index') return method(name, ([v], _kwargs, _site, ctx) => {
      const i = indexOf(xs, v, ctx);
      return i >= 0 ? int(i) : unknown('index()');
    });
    if (name === 'count') return method(name, ([v], _kwargs, _site, ctx) => int(v ? xs.filter((x) => equals(x, v, ctx) === true).length : 0));
  }
  if (obj.t === 'str') {
    const s = obj.v;
    switch (name) {
      case 'format': return method(name, (args, kwargs, _site, ctx) => {
        ctx.work(s.length);
        let auto = 0;
        let failed = false;
        const out = s.replace(/\{\{|\}\}|\{([^{}!:]*)(?:![rs])?(?::([^{}]*))?\}/g, (all, field: string | undefined, spec: string | undefined) => {
          if (all === '{{') return '{';
          if (all === '}}') return '}';
          const key = field ?? '';
          const v = key === '' ? args[auto++] : /^\d+$/.test(key) ? args[Number(key)] : kwargs.get(key);
          if (failed || !v || v.t === 'unknown') {
            failed = true;
            return '';
          }
          const text = spec ? formatWithSpec(v, spec, ctx) : toStr(v, ctx);
          if (text === null) failed = true;
          return text ?? '';
        });
        return failed || !ctx.allocate(out.length) ? unknown('str.format()') : str(out);
      });
      case 'join': return method(name, ([v], _kwargs, _site, ctx) => {
        const xs = items(v, ctx);
        if (!xs || !xs.every((x) => x.t === 'str')) return unknown('str.join()');
        const size = xs.reduce((n, x) => n + (x as { v: string }).v.length, 0) + s.length * Math.max(0, xs.length - 1);
        return ctx.allocate(size) ? str(xs.map((x) => (x as { v: string }).v).join(s)) : unknown('str.join()');
      });
      case 'upper': return method(name, (_args, _kwargs, _site, ctx) => (ctx.allocate(s.length) ? str(s.toUpperCase()) : unknown('str.upper()')));
      case 'lower': return method(name, (_args, _kwargs, _site, ctx) => (ctx.allocate(s.length) ? str(s.toLowerCase()) : unknown('str.lower()')));
      case 'strip': return method(name, (_args, _kwargs, _site, ctx) => (ctx.allocate(s.length) ? str(s.trim()) : unknown('str.strip()')));
      case 'replace': return method(name, ([a, b], _kwargs, _site, ctx) => {
        const out = a?.t === 'str' && b?.t === 'str' ? replaceAll(s, a.v, b.v, ctx) : null;
        return out === null ? unknown('replace()') : str(out);
      });
      case 'split': return method(name, ([sep], _kwargs, _site, ctx) => {
        ctx.work(s.length);
        if (sep?.t === 'str' && sep.v === '') return unknown('split with an empty separator');
        const parts = sep?.t === 'str' ? s.split(sep.v) : s.split(/\s+/).filter((p) => p !== '');
        return ctx.allocateValues(parts.length) ? list(parts.map(str)) : unknown('str.split()');
      });
      case 'startswith': return method(name, ([p], _kwargs, _site, ctx) => {
        if (p?.t !== 'str') return unknown('startswith()');
        ctx.work(p.v.length >> 4);
        return bool(s.startsWith(p.v));
      });
      case 'endswith': return method(name, ([p], _kwargs, _site, ctx) => {
        if (p?.t !== 'str') return unknown('endswith()');
        ctx.work(p.v.length >> 4);
        return bool(s.endsWith(p.v));
      });
    }
  }
  if (obj.t === 'dict') {
    switch (name) {
      case 'get': return method(name, ([k, d], _kwargs, _site, ctx) => {
        const i = indexOf(obj.keys, k, ctx);
        return i >= 0 ? obj.vals[i] : (d ?? NONE);
      });
      case 'items': return method(name, (_args, _kwargs, _site, ctx) => (ctx.allocateValues(3 * obj.keys.length) ? list(obj.keys.map((k, i) => tuple([k, obj.vals[i]]))) : unknown('dict.items()')));
      case 'keys': return method(name, (_args, _kwargs, _site, ctx) => (ctx.allocate(obj.keys.length) ? list(obj.keys.slice()) : unknown('dict.keys()')));
      case 'values': return method(name, (_args, _kwargs, _site, ctx) => (ctx.allocate(obj.vals.length) ? list(obj.vals.slice()) : unknown('dict.values()')));
      case 'update': return method(name, ([o], kwargs, _site, ctx) => {
        const add = (k: Value, v: Value) => {
          const i = indexOf(obj.keys, k, ctx);
          if (i >= 0) obj.vals[i] = v;
          else {
            obj.keys.push(k);
            obj.vals.push(v);
          }
        };
        if (o?.t === 'dict') o.keys.forEach((k, i) => add(k, o.vals[i]));
        for (const [k, v] of kwargs) add(str(k), v);
        return NONE;
      });
      case 'pop': return method(name, ([k, d], _kwargs, _site, ctx) => {
        const i = indexOf(obj.keys, k, ctx);
        if (i < 0) return d ?? unknown('missing key');
        ctx.work(obj.keys.length);
        const v = obj.vals[i];
        obj.keys.splice(i, 1);
        obj.vals.splice(i, 1);
        return v;
      });
    }
  }
  return undefined;
}
