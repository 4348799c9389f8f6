/**
 * The tracer's budgets count work and allocations, so no single builtin call is unbounded and a
 * file gives the same result on any machine. Assertions are about steps and elements, never time
 * (the time safety net is set out of reach).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { parsePython } from '../../extension/engine/parse';
import { DEFAULT_LIMITS, ELEMENTS_PER_STEP, LAYER_STEPS, TraceLimits } from '../../extension/engine/trace/budget';
import { TraceContext } from '../../extension/engine/trace/context';
import { Interpreter } from '../../extension/engine/trace/interpreter';
import { Scope } from '../../extension/engine/trace/scope';
import type { Value } from '../../extension/engine/trace/values';

/** Runs a module in the tracer; returns its variables, diagnostics and the steps used. */
function run(text: string, limits: Partial<TraceLimits> = {}) {
  const ctx = new TraceContext(text, { limits: { ...DEFAULT_LIMITS, maxMillis: 1e9, ...limits } });
  const scope = new Scope(null);
  new Interpreter(ctx).execModule(parsePython(text).topNode, scope);
  const get = (name: string): Value => {
    const v = scope.vars.get(name);
    if (!v) throw new Error(`${name} is not set`);
    return v;
  };
  return { get, diagnostics: ctx.diagnostics.items, steps: ctx.budget.steps, elements: ctx.budget.elements };
}

function size(v: Value): number {
  if (v.t === 'list' || v.t === 'tuple') return v.items.length;
  if (v.t === 'str') return v.v.length;
  throw new Error(`no size for ${v.t}`);
}

describe('allocations are counted before they are made', () => {
  it('the reported case: [0] * 10000, then [a * 10000 for _ in range(8)] (was 34 s, then out of memory)', () => {
    const before = process.memoryUsage().heapUsed;
    const text = 'a = [0] * 10000\nb = [a * 10000 for _ in range(8)]\nafter = len(b)\n';
    const r = run(text);
    assert.equal(size(r.get('a')), 10000);
    const b = r.get('b');
    assert.ok(b.t === 'list' && b.items.every((x) => x.t === 'unknown'));
    assert.deepEqual(r.get('after'), { t: 'int', v: 8 });
    const notes = r.diagnostics.filter((d) => d.code === 'allocation-budget');
    assert.equal(notes.length, 1);
    assert.equal(text.slice(notes[0].from, notes[0].to), 'a * 10000');
    assert.ok(r.elements <= DEFAULT_LIMITS.maxElements);
    // Nothing near 10^9 elements was ever built (8 bytes each would be 8 GB).
    assert.ok(process.memoryUsage().heapUsed - before < 300e6);
  });

  it('between two models, both are analysed and the budget is named once', () => {
    const model = (n: string) => `i${n} = keras.Input(shape=(8,))\nm${n} = keras.Model(i${n}, layers.Dense(4)(i${n}), name="m${n}")\n`;
    const text = `import keras\nfrom keras import layers\n${model('1')}a = [0] * 10000\nb = [a * 10000 for _ in range(8)]\nc = "x" * 10**9\n${model('2')}`;
    const a = analyze(text, { limits: { maxMillis: 1e9 } });
    assert.deepEqual(a.models.map((m) => m.graph.name), ['m1', 'm2']);
    assert.equal(a.diagnostics.filter((d) => d.code === 'allocation-budget').length, 1);
  });

  const refused: [string, string][] = [
    ['list repetition', 'x = [0, 1] * 10**6'],
    ['tuple repetition', 'x = (0,) * 10**7'],
    ['str repetition', 'x = "ab" * 10**7'],
    ['list(range(...))', 'x = list(range(10**7))'],
    ['tuple(range(...))', 'x = tuple(range(10**7))'],
    ['sorted(range(...))', 'x = sorted(range(10**7))'],
    ['a comprehension', 'x = [i for i in range(10**4)]'],
    ['a dict comprehension', 'x = {i: i for i in range(10**4)}'],
    ['concatenation that doubles', 'x = [0] * 1000\nfor _ in range(30):\n    x = x + x'],
    ['str concatenation that doubles', 'x = "ab" * 1000\nfor _ in range(30):\n    x = x + x'],
    ['+= on a list', 'x = [0] * 1000\nfor _ in range(30):\n    x += x'],
    ['str.join', 'a = ["abc"] * 100000\nx = "-" * 50\nx = x.join(a)'],
    ['str.replace', 'a = "a" * 100000\nx = a.replace("a", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")'],
    ['str() of a list repeated inside itself', 'a = [0] * 1000\nb = [a] * 1000\nx = str([b] * 1000)'],
    ['an f-string of a huge value', 'a = [0] * 1000\nb = [a] * 1000\nx = f"{b}"'],
    ['% formatting of a huge value', 'a = [0] * 1000\nb = [a] * 1000\nx = "%s" % (b,)'],
    ['a huge format width', 'x = format(1, ">1000000000")'],
    ['str.format with a huge width', 'x = "{:>1000000000}".format(1)'],
    ['unpacking into a list', 'a = [0] * 800000\nx = [*a, *a, *a]'],
    ['enumerate', 'a = [0] * 1000000\nx = enumerate(a)'],
    ['zip', 'a = [0] * 1000000\nx = zip(a, a)'],
    ['list(str)', 'a = "ab" * 1000000\nx = list(a)'],
    ['a Model copying a huge list of outputs', 'import keras\ninp = keras.Input(shape=(2,))\nx = keras.Model(inp, [inp] * 10**6)'],
  ];
  for (const [name, code] of refused) {
    it(`${name}: past the budget the value is unknown, and the rest runs`, () => {
      // Comprehensions build an element per step: a small allocation budget is what stops them first.
      const r = run(`${code}\nafter = 1\n`, name.includes('comprehension') ? { maxElements: 10_000 } : {});
      assert.equal(r.get('x').t, 'unknown', name);
      assert.deepEqual(r.get('after'), { t: 'int', v: 1 });
      assert.equal(r.diagnostics.filter((d) => d.code === 'allocation-budget').length, 1);
      assert.ok(r.elements <= DEFAULT_LIMITS.maxElements);
    });
  }

  it('xs.extend(xs) doubling stops growing at the budget (the list stays as it was)', () => {
    const r = run('x = [0] * 1000\nfor _ in range(30):\n    x.extend(x)\n');
    const x = r.get('x');
    assert.ok(x.t === 'list' && x.items.length < DEFAULT_LIMITS.maxElements);
    assert.equal(r.diagnostics.filter((d) => d.code === 'allocation-budget').length, 1);
  });

  it('values under the budget are exact', () => {
    const r = run('a = [1, 2] * 50000\nb = "ab" * 1000\nc = list(range(1000))\nd = sum(c)\ne = len(a + a)\nf = [i * i for i in range(100)][-1]\n');
    assert.equal(size(r.get('a')), 100000);
    assert.equal(size(r.get('b')), 2000);
    assert.deepEqual(r.get('d'), { t: 'int', v: 499500 });
    assert.deepEqual(r.get('e'), { t: 'int', v: 200000 });
    assert.deepEqual(r.get('f'), { t: 'int', v: 9801 });
    assert.deepEqual(r.diagnostics, []);
  });

  it('a loop over a huge range allocates nothing (it is stopped by work)', () => {
    const r = run('for i in range(10**12):\n    pass\nafter = 1\n');
    assert.equal(r.elements, 0);
    assert.deepEqual(r.get('after'), { t: 'int', v: 1 });
    assert.ok(r.diagnostics.some((d) => d.code === 'trace-limit'));
  });

  it('a list that contains itself prints as [...], as in Python', () => {
    const r = run('a = [1]\na.append(a)\nx = str(a)\n');
    assert.deepEqual(r.get('x'), { t: 'str', v: '[1, [...]]' });
  });
});

describe('builtins charge work proportional to what they do', () => {
  // Steps for `op` on n-element inputs, minus the same program without it.
  function stepsOf(setup: (n: number) => string, op: string, n: number): number {
    const limits = { maxSteps: 1e9, maxElements: 1e9 };
    return run(`${setup(n)}\n${op}\n`, limits).steps - run(`${setup(n)}\n`, limits).steps;
  }
  const nums = (n: number) => `a = list(range(${n}))\nb = list(range(${n}))`;
  const strs = (n: number) => `a = ["abc"] * ${n}`;
  const cases: [string, (n: number) => string, string][] = [
    ['list.sort', nums, 'a.sort()'],
    ['sorted', nums, 'x = sorted(a)'],
    ['sum', nums, 'x = sum(a)'],
    ['min', nums, 'x = min(a)'],
    ['max', nums, 'x = max(a)'],
    ['in', nums, 'x = -1 in a'],
    ['list.index', nums, 'x = a.index(a[-1])'],
    ['list.count', nums, 'x = a.count(0)'],
    ['reversed', nums, 'x = reversed(a)'],
    ['==', nums, 'x = a == b'],
    ['str()', nums, 'x = str(a)'],
    ['f-string', nums, 'x = f"{a}"'],
    ['str.join', strs, 'x = ",".join(a)'],
    ['any', nums, 'x = any(a)'],
    ['list.copy', nums, 'x = a.copy()'],
    ['slicing', nums, 'x = a[::2]'],
    ['str.split', (n) => `s = "a " * ${n}`, 'x = s.split()'],
    ['**kwargs', (n) => `d = {str(i): i for i in range(${n})}\ndef f(**kw):\n    return 1`, 'x = f(**d)'],
    ['model.layers', (n) => `import keras\nfrom keras import layers\nm = keras.Sequential([layers.ReLU()] * ${n})`, 'x = m.layers'],
    ['an unknown condition (every branch from the same variables)', (n) => `${Array.from({ length: n / 100 }, (_, i) => `v${i} = ${i}`).join('\n')}\nfor i in range(100):\n    pass`, 'for i in range(100):\n    if unknown_name:\n        pass'],
  ];
  for (const [name, setup, op] of cases) {
    it(`${name}: at least one step per ${ELEMENTS_PER_STEP} elements`, () => {
      const small = stepsOf(setup, op, 100);
      const large = stepsOf(setup, op, 100_000);
      assert.ok(large - small >= (100_000 - 100) / ELEMENTS_PER_STEP / 2, `${name}: ${small} -> ${large} steps`);
    });
  }

  it(`constructing a layer, and each call of it, costs ${LAYER_STEPS} steps`, () => {
    const limits = { maxSteps: 1e9 };
    const head = 'import keras\nfrom keras import layers\nx = keras.Input(shape=(4,))\n';
    const base = run(`${head}for i in range(1000):\n    y = x\n`, limits).steps;
    assert.ok(run(`${head}for i in range(1000):\n    y = layers.ReLU()\n`, limits).steps - base >= 1000 * LAYER_STEPS);
    const relu = 'r = layers.ReLU()\n';
    const once = run(`${head}${relu}for i in range(1000):\n    y = x\n`, limits).steps;
    assert.ok(run(`${head}${relu}for i in range(1000):\n    y = r(x)\n`, limits).steps - once >= 1000 * LAYER_STEPS);
  });

  it('the reported case: sorting a million numbers a thousand times stops within the step budget (was 9 s)', () => {
    const r = run('a = list(range(1000000))\nfor i in range(1000):\n    a.sort()\nafter = 1\n');
    assert.ok(r.steps <= DEFAULT_LIMITS.maxSteps);
    const stop = r.diagnostics.filter((d) => d.code === 'trace-limit');
    assert.equal(stop.length, 1);
    assert.match(stop[0].message, /steps of work/);
    assert.deepEqual(r.get('after'), { t: 'int', v: 1 });
  });

  it('inside main(), a statement may use half of what main() has left (a quarter of the budget), and the rest of main() runs', () => {
    const r = run('def main():\n    global after\n    while True:\n        pass\n    after = 1\nmain()\n', { maxSteps: 100_000 });
    const stop = r.diagnostics.filter((d) => d.code === 'trace-limit');
    assert.equal(stop.length, 1);
    const share = Number(/after ([\d,]+) steps/.exec(stop[0].message)![1].replace(/,/g, ''));
    // main() itself has half of the 100,000 steps (less the few the module spent before it).
    assert.ok(share <= 25_000 && share > 24_900, `share ${share}`);
    assert.deepEqual(r.get('after'), { t: 'int', v: 1 });
    assert.ok(r.steps <= 50_000);
  });

  it('a function called from inside main() is not split again: its share is the statement of main() that called it', () => {
    const r = run('def spin():\n    global before\n    before = 1\n    while True:\n        pass\n    global after\n    after = 1\ndef main():\n    global later\n    spin()\n    later = 1\nmain()\n', { maxSteps: 100_000 });
    assert.deepEqual(r.get('before'), { t: 'int', v: 1 });
    assert.throws(() => r.get('after'), /not set/);
    assert.deepEqual(r.get('later'), { t: 'int', v: 1 });
    assert.equal(r.diagnostics.filter((d) => d.code === 'trace-limit').length, 1);
  });

  it('a refused charge is not spent: the statements after it keep their share', () => {
    const r = run('a = list(range(1000000))\na.sort()\na.sort()\nx = 1\n', { maxSteps: 200_000 });
    assert.ok(r.steps <= 200_000);
    assert.deepEqual(r.get('x'), { t: 'int', v: 1 });
  });
});
