/**
 * A statement that faults, or cannot be finished, costs only itself: the models before and after
 * it are analysed. Budgets are counted in work, so every assertion here is about work, never time
 * (the time safety net is set out of reach except where it is the subject).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze, analyzeModels, type Analysis } from '../../extension/engine/analysis/analyze';
import { DiagnosticSink } from '../../extension/engine/diagnostics';
import { BUILTINS } from '../../extension/engine/trace/builtins';
import { ROOT } from '../support/analyze';

const NO_CLOCK = { maxMillis: 1e9 };

const HEAD = 'import keras\nfrom keras import layers\n';

function model(name: string, units = 4): string {
  return `inp_${name} = keras.Input(shape=(8,))\n${name} = keras.Model(inp_${name}, layers.Dense(${units})(inp_${name}), name="${name}")\n`;
}

/** Two models with `middle` between them. */
function sandwich(middle: string): string {
  return `${HEAD}${model('first')}${middle}\n${model('second', 2)}`;
}

function modelNames(a: Analysis): string[] {
  return a.models.map((m) => m.graph.name);
}

function codes(a: Analysis, code: string) {
  return a.diagnostics.filter((d) => d.code === code);
}

/** Adds a builtin that throws, for the duration of `run`. */
function withThrowingBuiltin(name: string, error: Error, run: () => void): void {
  BUILTINS.set(name, { t: 'builtin', name, call: () => { throw error; } });
  try {
    run();
  } finally {
    BUILTINS.delete(name);
  }
}

describe('a statement that cannot be finished sits between two models: both are analysed', () => {
  const cases: [string, string, RegExp][] = [
    ['an endless loop', 'while True:\n    pass\n', /steps of work/],
    ['a very long loop', 'total = 0\nfor i in range(10**9):\n    total = total + i\n', /steps of work/],
    ['unbounded recursion', 'def f(n):\n    return f(n + 1)\nf(0)\n', /nested deeper than 64/],
    ['exponential recursion', 'def f(n):\n    return 1 if n == 0 else f(n - 1) + f(n - 1)\nf(60)\n', /steps of work/],
    ['sorting a million numbers a thousand times', 'a = list(range(1000000))\nfor i in range(1000):\n    a.sort()\n', /steps of work/],
  ];
  for (const [name, middle, message] of cases) {
    it(name, () => {
      const a = analyze(sandwich(middle), { limits: NO_CLOCK });
      assert.deepEqual(modelNames(a), ['first', 'second']);
      assert.equal(a.models[1].totals.params, 18);
      const limits = codes(a, 'trace-limit');
      assert.equal(limits.length, 1, JSON.stringify(limits));
      assert.match(limits[0].message, message);
      assert.ok(a.steps <= 1_000_000);
    });
  }

  it('three pathological statements in a row still leave the model after them its share', () => {
    const middle = 'while True:\n    pass\nwhile True:\n    pass\nx = [0] * 10**9\nwhile 1:\n    x = 1\n';
    const a = analyze(sandwich(middle), { limits: NO_CLOCK });
    assert.deepEqual(modelNames(a), ['first', 'second']);
    assert.equal(codes(a, 'trace-limit').length, 3);
  });

  it('inside `if __name__ == "__main__":` each statement is a unit too', () => {
    const text = `${HEAD}if __name__ == "__main__":\n${[model('first'), 'while True:\n    pass\n', model('second', 2)].join('').replace(/^/gm, '    ')}`;
    const a = analyze(text, { limits: NO_CLOCK });
    assert.deepEqual(modelNames(a), ['first', 'second']);
  });

  it('a subclassed model traced after the module still gets its share', () => {
    const text = `${HEAD}class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = layers.Dense(3)

    def call(self, x):
        return self.d(x)

net = Net()
net.build((None, 5))
while True:
    pass
${model('after')}`;
    const a = analyze(text, { limits: NO_CLOCK });
    assert.deepEqual(modelNames(a).sort(), ['after', 'net']);
  });

  it('a model whose tracing cannot finish leaves the other models theirs', () => {
    const text = `${HEAD}class Loop(keras.Model):
    def call(self, x):
        while True:
            pass

# convlens: input_shape=(5,)
loop = Loop()
${model('after')}`;
    const a = analyze(text, { limits: NO_CLOCK });
    assert.ok(modelNames(a).includes('after'));
    assert.equal(codes(a, 'trace-limit').length, 1);
  });

  it('the names an assignment cut short would set are unknown afterwards, not undefined', () => {
    const text = sandwich('a = list(range(10**6))\nb = len(a)');
    const a = analyze(text, { limits: { ...NO_CLOCK, maxSteps: 400_000 } });
    assert.deepEqual(modelNames(a), ['first', 'second']);
    assert.equal(codes(a, 'trace-limit').length, 1);
    assert.deepEqual(codes(a, 'undefined-name'), []);
  });

  it('the same file gives the same steps and diagnostics every time (work, not time)', () => {
    const text = sandwich('a = list(range(100000))\nwhile True:\n    a.sort()\n');
    const runs = [analyze(text, { limits: NO_CLOCK }), analyze(text, { limits: NO_CLOCK })];
    assert.equal(runs[0].steps, runs[1].steps);
    assert.deepEqual(runs[0].diagnostics, runs[1].diagnostics);
  });

  it('the time safety net says so when it is what stopped the analysis', () => {
    const a = analyze(sandwich('while True:\n    pass\n'), { limits: { maxMillis: 0 } });
    const limit = codes(a, 'trace-limit');
    assert.equal(limit.length, 1);
    assert.match(limit[0].message, /time safety net/);
    assert.ok(modelNames(a).includes('first'));
  });
});

describe('an internal fault costs only its statement', () => {
  it('a parser error node as an assignment target inside a method', () => {
    const text = `${HEAD}class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = layers.Dense(4)

    def call(self, x):
        x = self.d(x)
         = layers.ReLU()(x)
        return x

net = Net()
net.build((None, 8))
${model('after')}`;
    const a = analyze(text);
    assert.deepEqual(codes(a, 'internal-error'), []);
    assert.deepEqual(modelNames(a).sort(), ['after', 'net']);
    assert.equal(a.models.find((m) => m.graph.name === 'net')!.totals.params, 36);
  });

  it('a stray module-level `return` (a dedent typo) does not end the module', () => {
    const text = `${HEAD}class Net(keras.Model):\n    def call(self, x):\n         = layers.ReLU()(x)\n        return x\n${model('after')}`;
    assert.deepEqual(modelNames(analyze(text)), ['after']);
  });

  it('is reported on the faulty statement, and the models before and after are analysed', () => {
    withThrowingBuiltin('boom', new TypeError('injected fault'), () => {
      const text = sandwich('x = boom()\ny = 3');
      const a = analyze(text);
      assert.deepEqual(modelNames(a), ['first', 'second']);
      const fault = codes(a, 'internal-error');
      assert.equal(fault.length, 1);
      assert.equal(text.slice(fault[0].from, fault[0].to), 'x = boom()');
      assert.match(fault[0].message, /injected fault/);
    });
  });

  it('inside a helper, only that statement is skipped: the helper and the model go on', () => {
    withThrowingBuiltin('boom', new Error('injected fault'), () => {
      const text = `${HEAD}def block(x):\n    boom()\n    return layers.Dense(4)(x)\ninp = keras.Input(shape=(8,))\nm = keras.Model(inp, block(inp))\n`;
      const a = analyze(text);
      assert.equal(a.models[0].totals.params, 36);
      assert.equal(codes(a, 'internal-error').length, 1);
    });
  });

  it('a RangeError that is not a stack overflow is an internal error, not "nested too deeply"', () => {
    withThrowingBuiltin('boom', new RangeError('Invalid array length'), () => {
      const a = analyze(sandwich('x = boom()'));
      assert.deepEqual(modelNames(a), ['first', 'second']);
      assert.equal(codes(a, 'internal-error').length, 1);
      assert.ok(!a.diagnostics.some((d) => /nested too deeply/.test(d.message)));
    });
  });

  it('a real stack overflow costs only its statement, and says so', () => {
    const deep = `x = ${'('.repeat(50000)}1${')'.repeat(50000)}`;
    const text = sandwich(deep);
    const a = analyze(text);
    assert.deepEqual(modelNames(a), ['first', 'second']);
    const limit = codes(a, 'trace-limit');
    assert.equal(limit.length, 1);
    assert.match(limit[0].message, /nested too deeply/);
    assert.ok(text.slice(limit[0].from, limit[0].to).startsWith('x = ((('));
  });
});

describe('an internal fault in the analysis of one model (after tracing) costs only that model', () => {
  it('the other models are analysed, and the faulty one carries one warning', () => {
    const text = sandwich('y = 3');
    const graphs = analyze(text).models.map((m) => m.graph);
    assert.equal(graphs.length, 2);
    // A graph the analysis cannot read: a call whose output tensor is missing.
    const broken = { ...graphs[0], calls: graphs[0].calls.map((c, i) => (i === 1 ? { ...c, output: undefined as never } : c)) };
    const sink = new DiagnosticSink();
    const reports = analyzeModels([broken, graphs[1]], sink);
    assert.deepEqual(reports.map((r) => r.graph.name), ['second']);
    const faults = sink.items.filter((d) => d.code === 'internal-error');
    assert.equal(faults.length, 1);
    assert.equal(text.slice(faults[0].from, faults[0].to), text.slice(graphs[0].span.from, graphs[0].span.to));
    assert.match(faults[0].message, /analysing the model first/);
  });
});

/**
 * Scripts that build their models inside `def main(): ...` (and builders it calls), with a
 * pathological statement between them. The truths are real Keras' models for the same scripts with
 * that statement removed (test/goldens/fault_isolation/, scripts/goldens/make_fault_isolation_goldens.py).
 */
describe('inside a function called from module level (`def main()`), each statement is a unit too', () => {
  interface GoldenModel { name: string; params: number; layers: [string, (number | null)[]][] }
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'test', 'goldens', 'fault_isolation', 'manifest.json'), 'utf8')) as {
    cases: { name: string; template: string; indent: number; models: GoldenModel[] }[];
  };
  const spin = 'def spin():\n    while True:\n        pass\n';
  // [what, the statement(s) put in the middle, how many "stopped" warnings, their message]
  const middles: [string, string, number, RegExp | null][] = [
    ['an endless loop', 'while True:\n    pass', 1, /steps of work/],
    ['a very long loop', 'total = 0\nfor i in range(10**9):\n    total = total + i', 1, /steps of work/],
    ['unbounded recursion', 'def f(n):\n    return f(n + 1)\nf(0)', 1, /nested deeper than 64/],
    ['exponential recursion', 'def f(n):\n    return 1 if n == 0 else f(n - 1) + f(n - 1)\nf(60)', 1, /steps of work/],
    ['sorting 200,000 numbers a thousand times', 'a = list(range(200000))\nfor i in range(1000):\n    a.sort()', 1, /steps of work/],
    ['an endless loop in a helper it calls', `${spin}spin()`, 1, /steps of work/],
    ['a comprehension calling an endless helper (one warning, not one per item)', `${spin}xs = [spin() for _ in range(30)]`, 1, /steps of work/],
    ['huge allocations', 'x = [0] * 10**9\ny = "ab" * 10**9\nz = list(range(10**8))', 0, null],
  ];

  function place(template: string, indent: number, middle: string) {
    const indented = middle.replace(/^/gm, ' '.repeat(indent));
    const text = template.replace('{middle}', indented);
    const from = text.indexOf(indented);
    return { text, middle: { from, to: from + indented.length } };
  }

  function assertLikeKeras(a: Analysis, golden: GoldenModel[]): void {
    assert.deepEqual(modelNames(a), golden.map((m) => m.name));
    for (const [i, g] of golden.entries()) {
      assert.equal(a.models[i].totals.params, g.params, g.name);
      for (const [layerName, shape] of g.layers) {
        const found = a.models[i].layers.find((l) => l.layer.name === layerName);
        assert.ok(found, `${g.name} has no layer ${layerName}`);
        assert.deepEqual(found.outputShape, shape, `${g.name}/${layerName}`);
      }
    }
  }

  for (const c of manifest.cases) {
    describe(c.name, () => {
      it('without anything pathological, ConvLens and Keras agree', () => {
        const a = analyze(place(c.template, c.indent, 'pass').text, { limits: NO_CLOCK });
        assertLikeKeras(a, c.models);
        assert.deepEqual(codes(a, 'trace-limit'), []);
      });
      for (const [what, middle, stops, message] of middles) {
        it(`${what}: the models before and after it are Keras' own, one warning, inside the statement`, () => {
          const placed = place(c.template, c.indent, middle);
          const a = analyze(placed.text, { limits: NO_CLOCK });
          assertLikeKeras(a, c.models);
          const limits = codes(a, 'trace-limit');
          assert.equal(limits.length, stops, JSON.stringify(limits));
          for (const limit of limits) {
            assert.match(limit.message, message!);
            // A statement's span ends after its newline.
            const stopped = placed.text.slice(limit.from, limit.to).trimEnd();
            assert.ok(limit.from >= placed.middle.from && limit.from + stopped.length <= placed.middle.to, `stopped at ${JSON.stringify(stopped)}, not inside the middle`);
          }
          assert.ok(a.steps <= 1_000_000);
        });
      }
      it('an internal fault: reported on its statement, the models around it analysed', () => {
        withThrowingBuiltin('boom', new TypeError('injected fault'), () => {
          const placed = place(c.template, c.indent, 'x = boom()');
          const a = analyze(placed.text);
          assertLikeKeras(a, c.models);
          const fault = codes(a, 'internal-error');
          assert.equal(fault.length, 1);
          assert.equal(placed.text.slice(fault[0].from, fault[0].to), 'x = boom()');
        });
      });
    });
  }

  it('`if __name__ == "__main__":` holds (the file is the script being run): no unknown condition, no other branch', () => {
    const c = manifest.cases[0];
    const text = place(c.template, c.indent, 'pass').text.replace('    main()\n', '    main()\nelse:\n    inp = keras.Input(shape=(8,))\n    imported = keras.Model(inp, inp, name="imported")\n');
    const a = analyze(text, { limits: NO_CLOCK });
    assertLikeKeras(a, c.models);
    assert.deepEqual([...codes(a, 'unknown-condition'), ...codes(a, 'undefined-name')], []);
  });

  it('the same file gives the same steps and diagnostics every time (work, not time)', () => {
    const c = manifest.cases[0];
    const text = place(c.template, c.indent, 'a = list(range(100000))\nwhile True:\n    a.sort()').text;
    const runs = [analyze(text, { limits: NO_CLOCK }), analyze(text, { limits: NO_CLOCK })];
    assert.equal(runs[0].steps, runs[1].steps);
    assert.deepEqual(runs[0].diagnostics, runs[1].diagnostics);
  });

  it('what depends on the statement cut short is unknown, the rest exact', () => {
    const text = `${HEAD}def units():\n    while True:\n        pass\n\ndef main():\n    width = units()\n${model('exact').replace(/^(?=.)/gm, '    ')}    inp = keras.Input(shape=(8,))\n    dependent = keras.Model(inp, layers.Dense(width)(inp), name="dependent")\n\nmain()\n`;
    const a = analyze(text, { limits: NO_CLOCK });
    assert.deepEqual(modelNames(a), ['exact', 'dependent']);
    assert.equal(a.models[0].totals.params, 36);
    assert.equal(codes(a, 'trace-limit').length, 1);
    assert.deepEqual(codes(a, 'undefined-name'), []);
    assert.notEqual(a.models[1].totals.params, 8 * 4 + 4);
    assert.equal(a.models[1].layers.find((l) => l.layer.name.startsWith('dense'))?.params, null);
  });

  it('a `return` cut short ends its function (the statements after it do not run)', () => {
    const text = `${HEAD}def build():\n${model('kept').replace(/^(?=.)/gm, '    ')}    while True:\n        pass\n    return kept\n\ndef main():\n    return build()\n${model('unreached').replace(/^(?=.)/gm, '    ')}\nresult = main()\n`;
    const a = analyze(text, { limits: NO_CLOCK });
    assert.deepEqual(modelNames(a), ['kept']);
    assert.equal(codes(a, 'trace-limit').length, 1);
  });

  it('a function called in a loop is not split: one warning, and the loop stops', () => {
    const text = `${HEAD}${spin}def main():\n    for _ in range(5):\n        spin()\n${model('after').replace(/^(?=.)/gm, '    ')}\nmain()\n`;
    const a = analyze(text, { limits: NO_CLOCK });
    assert.deepEqual(modelNames(a), ['after']);
    assert.equal(codes(a, 'trace-limit').length, 1);
  });
});
