/**
 * Seeded fuzzing of the analysis: every example followed by a mutated copy of another, 400
 * mutations each (2,400 in all), then both inside one `def main()` (100 each, 600 in all). No
 * input may throw or raise an internal error, each must finish within the work budget (steps, not
 * milliseconds: the same on any machine; 1,000,000 steps is about half a second here), and the
 * model before the mutations must still be found, unchanged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, type Analysis } from '../../extension/engine/analysis/analyze';
import { parsePython } from '../../extension/engine/parse';
import { DEFAULT_LIMITS } from '../../extension/engine/trace/budget';
import { example, EXAMPLE_FILES } from '../support/analyze';
import { lcg } from '../support/random';

/** Text a half-typed or mistyped edit leaves: brackets, quotes, keywords, layer calls, indents. */
const TOKENS = ['(', ')', '[', ']', '{', '}', ':', ',', '=', '.', '\n', '    ', '"', "'", '"""', '\\', '#', '0', '-1', '1e309', '2**64', 'None',
  'x', 'layers.Conv2D(', 'layers.Dense(3)(', 'keras.Input(shape=(', 'for i in range(', 'while ', 'def f(', 'class C(', 'lambda', 'return', 'yield', '*', '**', '@', 'if', 'else:', 'import ', 'async '];

type Mutation = (text: string, rand: () => number) => string;
const at = (text: string, rand: () => number) => Math.floor(rand() * (text.length + 1));
const MUTATIONS: Mutation[] = [
  (t, r) => { const i = at(t, r); return t.slice(0, i) + TOKENS[Math.floor(r() * TOKENS.length)] + t.slice(i); },
  (t, r) => { const i = at(t, r); return t.slice(0, i) + t.slice(i + 1 + Math.floor(r() * 40)); },
  (t, r) => { const lines = t.split('\n'); const i = Math.floor(r() * lines.length); lines.splice(i, 0, lines[Math.floor(r() * lines.length)]); return lines.join('\n'); },
  (t, r) => { const lines = t.split('\n'); const i = Math.floor(r() * lines.length); const j = Math.floor(r() * lines.length); [lines[i], lines[j]] = [lines[j], lines[i]]; return lines.join('\n'); },
  (t, r) => { const lines = t.split('\n'); const i = Math.floor(r() * lines.length); lines[i] = (r() < 0.5 ? ' '.repeat(1 + Math.floor(r() * 8)) : '') + lines[i].trimStart(); return lines.join('\n'); },
];

const totals = (a: Analysis, name: string) => a.models.find((m) => m.graph.name === name)?.totals;

describe('seeded mutations after a model leave it found and unchanged, and never fault', () => {
  EXAMPLE_FILES.forEach((file, k) => {
    it(`${file}, then a mutated ${EXAMPLE_FILES[(k + 1) % EXAMPLE_FILES.length]}`, () => {
      const head = example(file);
      const before = analyze(head);
      const model = before.models[before.models.length - 1];
      assert.ok(model, `${file} has a model`);
      const tail = example(EXAMPLE_FILES[(k + 1) % EXAMPLE_FILES.length]);
      const rand = lcg(7919 * (k + 1));
      for (let n = 0; n < 400; n++) {
        let mutated = tail;
        for (let m = 1 + Math.floor(rand() * 3); m > 0; m--) mutated = MUTATIONS[Math.floor(rand() * MUTATIONS.length)](mutated, rand);
        const text = `${head}\n${mutated}`;
        const a = analyze(text, { limits: { maxMillis: 1e9 } });
        const fault = a.diagnostics.find((d) => d.code === 'internal-error');
        assert.equal(fault, undefined, `mutation ${n}: ${fault?.message}`);
        assert.ok(a.steps <= DEFAULT_LIMITS.maxSteps, `mutation ${n}: ${a.steps} steps`);
        // A subclassed model is traced once the module has run (ConvLens does not know when Keras
        // first calls it), so a later rebinding of a name its methods use (here: garbled imports
        // rebinding `layers`) reaches it: only its presence is required.
        if (model.graph.kind === 'subclassed') assert.ok(totals(a, model.graph.name), `mutation ${n}: ${model.graph.name} was lost`);
        else assert.deepEqual(totals(a, model.graph.name), model.totals, `mutation ${n}: ${model.graph.name} changed or was lost`);
      }
    });
  });
});

const MAIN_GUARD = 'if __name__ == "__main__":\n    main()';

/** True when `main()` is still called by a statement of the module (an unclosed bracket or string above swallows it). */
function callsMain(text: string): boolean {
  const top = parsePython(text).topNode;
  for (let c = top.firstChild; c; c = c.nextSibling) {
    if ((c.name === 'IfStatement' || c.name === 'ExpressionStatement') && text.slice(c.from, c.to).trim().endsWith('main()')) return true;
  }
  return false;
}

describe('the same inside `def main()`: each of its statements is a unit, so mutations after the model leave it found', () => {
  const indent = (s: string) => s.replace(/^(?=.)/gm, '    ');
  EXAMPLE_FILES.forEach((file, k) => {
    it(`${file}, then a mutated ${EXAMPLE_FILES[(k + 1) % EXAMPLE_FILES.length]}, all in main()`, () => {
      const head = `def main():\n${indent(example(file))}`;
      const before = analyze(`${head}\n\n${MAIN_GUARD}\n`);
      const model = before.models[before.models.length - 1];
      assert.ok(model, `${file} has a model in main()`);
      const tail = example(EXAMPLE_FILES[(k + 1) % EXAMPLE_FILES.length]);
      const rand = lcg(104_729 * (k + 1));
      let swallowed = 0;
      for (let n = 0; n < 100; n++) {
        let mutated = tail;
        for (let m = 1 + Math.floor(rand() * 3); m > 0; m--) mutated = MUTATIONS[Math.floor(rand() * MUTATIONS.length)](mutated, rand);
        const text = `${head}\n${indent(mutated)}\n\n${MAIN_GUARD}\n`;
        const a = analyze(text, { limits: { maxMillis: 1e9 } });
        const fault = a.diagnostics.find((d) => d.code === 'internal-error');
        assert.equal(fault, undefined, `mutation ${n}: ${fault?.message}`);
        assert.ok(a.steps <= DEFAULT_LIMITS.maxSteps, `mutation ${n}: ${a.steps} steps`);
        // An unclosed bracket or string in main() swallows the call below it: main() then never runs.
        if (!callsMain(text)) {
          swallowed++;
          continue;
        }
        if (model.graph.kind === 'subclassed') assert.ok(totals(a, model.graph.name), `mutation ${n}: ${model.graph.name} was lost`);
        else assert.deepEqual(totals(a, model.graph.name), model.totals, `mutation ${n}: ${model.graph.name} changed or was lost`);
      }
      assert.ok(swallowed < 25, `${swallowed} of 100 mutations swallowed the main() call`);
    });
  });
});

describe('what the fuzzing found', () => {
  it('a generator argument over something unknown is an unknown argument, not a fault', () => {
    // Half-typed: the call's parentheses swallow the next lines, which parse as a generator argument.
    const text = 'import keras\nfrom keras import layers\nx = layers.DepthwiseConv2D(\nplan = [(64, 1)]\nfor block_id, (filters, stride) in enumerate(plan, start=1):\n    pass\n';
    const a = analyze(text, { limits: { maxMillis: 1e9 } });
    assert.equal(a.diagnostics.find((d) => d.code === 'internal-error'), undefined);
  });
});
