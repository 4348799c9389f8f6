/** Python builtins and methods of builtin types that model-building code uses. */
import { formatWithSpec } from './pyformat';
import {
  bool, BuiltinFn, equals, float, int, isNumber, iterate, list, NONE, rangeLength, repr, str, toStr, truthy, tuple, typeName, unknown, Value,
} from './values';

const LIMIT = 1_000_000;

function fn(name: string, call: BuiltinFn): [string, Value] {
  return [name, { t: 'builtin', name, call }];
}

function num(v: Value | undefined): number | null {
  if (!v) return null;
  if (isNumber(v)) return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  return null;
}

function items(v: Value | undefined): Value[] | null {
  return v ? iterate(v, LIMIT) : null;
}

function minMax(pick: (a: number, b: number) => boolean): BuiltinFn {
  return (args) => {
    const xs = args.length === 1 ? items(args[0]) : args;
    if (!xs || xs.length === 0) return unknown('min/max of unknown');
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

function compareValues(a: Value, b: Value): number {
  const x = num(a);
  const y = num(b);
  if (x !== null && y !== null) return x - y;
  const s = toStr(a);
  const t = toStr(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

export const BUILTINS = new Map<string, Value>([
  fn('len', ([v]) => {
    if (!v) return unknown('len()');
    if (v.t === 'str') return int(v.v.length);
    if (v.t === 'list' || v.t === 'tuple') return int(v.items.length);
    if (v.t === 'dict') return int(v.keys.length);
    if (v.t === 'range') return int(rangeLength(v));
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
  fn('int', ([v]) => {
    if (!v) return int(0);
    const n = num(v);
    if (n !== null) return int(Math.trunc(n));
    if (v.t === 'str' && /^\s*[-+]?\d+\s*$/.test(v.v)) return int(parseInt(v.v, 10));
    return unknown('int()');
  }),
  fn('float', ([v]) => {
    if (!v) return float(0);
    const n = num(v);
    if (n !== null) return float(n);
    if (v.t === 'str' && v.v.trim() !== '' && !Number.isNaN(Number(v.v))) return float(Number(v.v));
    return unknown('float()');
  }),
  fn('str', ([v]) => (v ? (v.t === 'unknown' ? v : str(toStr(v))) : str(''))),
  fn('repr', ([v]) => (v && v.t !== 'unknown' ? str(repr(v)) : unknown('repr()'))),
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
  fn('sum', ([v, start]) => {
    const xs = items(v);
    if (!xs) return unknown('sum()');
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
  fn('list', ([v]) => (v ? (items(v) ? list([...items(v)!]) : unknown('list()')) : list([]))),
  fn('tuple', ([v]) => (v ? (items(v) ? tuple([...items(v)!]) : unknown('tuple()')) : tuple([]))),
  fn('set', ([v]) => (v ? (items(v) ? list([...items(v)!]) : unknown('set()')) : list([]))),
  fn('dict', (args, kwargs) => {
    const keys: Value[] = [];
    const vals: Value[] = [];
    const src = args[0];
    if (src?.t === 'dict') {
      keys.push(...src.keys);
      vals.push(...src.vals);
    }
    for (const [k, v] of kwargs) {
      keys.push(str(k));
      vals.push(v);
    }
    return { t: 'dict', keys, vals };
  }),
  fn('zip', (args) => {
    const lists = args.map(items);
    if (lists.some((l) => l === null)) return unknown('zip of unknown');
    const n = Math.min(...(lists as Value[][]).map((l) => l.length));
    return list(Array.from({ length: n }, (_, i) => tuple((lists as Value[][]).map((l) => l[i]))));
  }),
  fn('enumerate', ([v, startArg], kwargs) => {
    const start = startArg ?? kwargs.get('start');
    const xs = items(v);
    const s = num(start) ?? 0;
    return xs ? list(xs.map((x, i) => tuple([int(s + i), x]))) : unknown('enumerate of unknown');
  }),
  fn('reversed', ([v]) => {
    const xs = items(v);
    return xs ? list([...xs].reverse()) : unknown('reversed of unknown');
  }),
  fn('sorted', ([v], kwargs) => {
    const xs = items(v);
    if (!xs) return unknown('sorted of unknown');
    const out = [...xs].sort(compareValues);
    if (kwargs.get('reverse')?.t === 'bool' && (kwargs.get('reverse') as { v: boolean }).v) out.reverse();
    return list(out);
  }),
  fn('any', ([v]) => {
    const xs = items(v);
    if (!xs) return unknown('any()');
    const ts = xs.map(truthy);
    return ts.includes(true) ? bool(true) : ts.includes(null) ? unknown('any()') : bool(false);
  }),
  fn('all', ([v]) => {
    const xs = items(v);
    if (!xs) return unknown('all()');
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
  fn('format', ([v, spec]) => {
    if (!v || v.t === 'unknown') return unknown('format()');
    const s = formatWithSpec(v, spec?.t === 'str' ? spec.v : '');
    return s === null ? unknown('format()') : str(s);
  }),
  fn('hasattr', () => unknown('hasattr()')),
  fn('getattr', ([, , dflt]) => dflt ?? unknown('getattr()')),
]);

function method(name: string, call: BuiltinFn): Value {
  return { t: 'builtin', name, call };
}

/** Methods of lists, tuples, strings and dicts. */
export function methodOf(obj: Value, name: string): Value | undefined {
  if (obj.t === 'list') {
    const xs = obj.items;
    switch (name) {
      case 'append': return method(name, ([v]) => (xs.push(v ?? NONE), NONE));
      case 'extend': return method(name, ([v]) => {
        const more = items(v);
        if (more) xs.push(...more);
        return NONE;
      });
      case 'insert': return method(name, ([i, v]) => (xs.splice(num(i) ?? xs.length, 0, v ?? NONE), NONE));
      case 'pop': return method(name, ([i]) => {
        const n = num(i) ?? -1;
        const j = n < 0 ? n + xs.length : n;
        return j >= 0 && j < xs.length ? xs.splice(j, 1)[0] : unknown('pop from empty list');
      });
      case 'reverse': return method(name, () => (xs.reverse(), NONE));
      case 'copy': return method(name, () => list([...xs]));
      case 'clear': return method(name, () => ((xs.length = 0), NONE));
      case 'sort': return method(name, () => (xs.sort(compareValues), NONE));
    }
  }
  if (obj.t === 'list' || obj.t === 'tuple') {
    const xs = obj.items;
    if (name === 'index') return method(name, ([v]) => {
      const i = xs.findIndex((x) => v && equals(x, v) === true);
      return i >= 0 ? int(i) : unknown('index()');
    });
    if (name === 'count') return method(name, ([v]) => int(xs.filter((x) => v && equals(x, v) === true).length));
  }
  if (obj.t === 'str') {
    const s = obj.v;
    switch (name) {
      case 'format': return method(name, (args, kwargs) => {
        let auto = 0;
        let failed = false;
        const out = s.replace(/\{\{|\}\}|\{([^{}!:]*)(?:![rs])?(?::([^{}]*))?\}/g, (all, field: string | undefined, spec: string | undefined) => {
          if (all === '{{') return '{';
          if (all === '}}') return '}';
          const key = field ?? '';
          const v = key === '' ? args[auto++] : /^\d+$/.test(key) ? args[Number(key)] : kwargs.get(key);
          if (!v || v.t === 'unknown') {
            failed = true;
            return '';
          }
          const text = spec ? formatWithSpec(v, spec) : toStr(v);
          if (text === null) failed = true;
          return text ?? '';
        });
        return failed ? unknown('str.format()') : str(out);
      });
      case 'join': return method(name, ([v]) => {
        const xs = items(v);
        return xs && xs.every((x) => x.t === 'str') ? str(xs.map(toStr).join(s)) : unknown('str.join()');
      });
      case 'upper': return method(name, () => str(s.toUpperCase()));
      case 'lower': return method(name, () => str(s.toLowerCase()));
      case 'strip': return method(name, () => str(s.trim()));
      case 'replace': return method(name, ([a, b]) => (a?.t === 'str' && b?.t === 'str' ? str(s.split(a.v).join(b.v)) : unknown('replace()')));
      case 'split': return method(name, ([sep]) => list((sep?.t === 'str' ? s.split(sep.v) : s.trim().split(/\s+/)).map(str)));
      case 'startswith': return method(name, ([p]) => (p?.t === 'str' ? bool(s.startsWith(p.v)) : unknown('startswith()')));
      case 'endswith': return method(name, ([p]) => (p?.t === 'str' ? bool(s.endsWith(p.v)) : unknown('endswith()')));
    }
  }
  if (obj.t === 'dict') {
    switch (name) {
      case 'get': return method(name, ([k, d]) => {
        const i = obj.keys.findIndex((x) => k && equals(x, k) === true);
        return i >= 0 ? obj.vals[i] : (d ?? NONE);
      });
      case 'items': return method(name, () => list(obj.keys.map((k, i) => tuple([k, obj.vals[i]]))));
      case 'keys': return method(name, () => list([...obj.keys]));
      case 'values': return method(name, () => list([...obj.vals]));
      case 'update': return method(name, ([o], kwargs) => {
        const add = (k: Value, v: Value) => {
          const i = obj.keys.findIndex((x) => equals(x, k) === true);
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
      case 'pop': return method(name, ([k, d]) => {
        const i = obj.keys.findIndex((x) => k && equals(x, k) === true);
        if (i < 0) return d ?? unknown('missing key');
        const v = obj.vals[i];
        obj.keys.splice(i, 1);
        obj.vals.splice(i, 1);
        return v;
      });
    }
  }
  return undefined;
}
