/**
 * Literal argument lists evaluated once per text (extension/engine/trace/literal_arguments.ts): an
 * analysis that reuses them must be the one that evaluates every list again (reuse off), to the
 * object graph, the steps charged and where a budget stop is reported; lists that are not literal
 * only, or whose evaluation says something, are never reused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, type Analysis } from '../../extension/engine/analysis/analyze';
import { setReuseEnabled } from '../../extension/engine/reuse';
import { clearLiteralArguments } from '../../extension/engine/trace/literal_arguments';
import { assertSameAnalysis } from '../support/same_analysis';

const MODEL = `import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(16, (3, 3), strides=(1, 1), padding="same", use_bias=False, name="stem")(inputs)
x = layers.BatchNormalization(epsilon=1e-3, momentum=0.99, center=True, scale=True)(x)
x = layers.Conv2D(16, (3, 3), strides=(1, 1), padding="same", use_bias=False, name="stem")(x)
x = layers.ZeroPadding2D(((1, 0), (-1, +2)))(x)
n = 24
# Configured by its own values, not by the literal list handed out just before it.
x = layers.Conv2D(n, 3, name="not_literal")(x)
x = layers.Dense(0x20, activation=None)(x)
y = layers.Dense(10, name=b"bytes")(x)
z = layers.Dense(99999999999999999999)(x)
model = keras.Model(inputs, x)
`;

function fresh(text: string, maxSteps?: number): Analysis {
  setReuseEnabled(false);
  try {
    return analyze(text, maxSteps === undefined ? {} : { limits: { maxSteps } });
  } finally {
    setReuseEnabled(true);
  }
}

function reusing(text: string, maxSteps?: number): Analysis {
  return analyze(text, maxSteps === undefined ? {} : { limits: { maxSteps } });
}

describe('literal argument lists', () => {
  it('reused, they give the analysis that evaluates them again, with the same steps', () => {
    clearLiteralArguments();
    const first = reusing(MODEL);
    const again = reusing(MODEL);
    const reference = fresh(MODEL);
    assertSameAnalysis(first, reference, MODEL, 'first analysis');
    assertSameAnalysis(again, reference, MODEL, 'reusing the lists');
    assert.equal(again.steps, reference.steps);
    // The duplicate name is Keras' error either way; the bytes name and the inexact int are reported again, not reused.
    const codes = (a: Analysis) => a.diagnostics.map((d) => `${d.code}@${d.from}`);
    assert.deepEqual(codes(again), codes(reference));
    assert.ok(reference.diagnostics.some((d) => d.code === 'inexact-size'), 'the inexact literal is reported');
  });

  it('a budget that runs out inside a list stops where evaluating it again would', () => {
    clearLiteralArguments();
    reusing(MODEL);
    const stops: string[] = [];
    for (let maxSteps = 20; maxSteps <= 400; maxSteps += 1) {
      const reference = fresh(MODEL, maxSteps);
      const again = reusing(MODEL, maxSteps);
      assert.equal(again.steps, reference.steps, `maxSteps ${maxSteps}`);
      const limits = (a: Analysis) => a.diagnostics.filter((d) => d.code === 'trace-limit').map((d) => `${d.from}-${d.to}: ${d.message}`);
      assert.deepEqual(limits(again), limits(reference), `maxSteps ${maxSteps}`);
      stops.push(...limits(reference));
    }
    // The range covers stops inside the argument lists (the site is a literal, not a statement start).
    const literalSites = new Set(stops.map((s) => MODEL.slice(Number(s.split('-')[0]), Number(s.split(':')[0].split('-')[1]))));
    assert.ok([...literalSites].some((t) => /^(\d+|"[a-z]+"|True|False|None)$/.test(t)), `stops at literals: ${[...literalSites].join(' | ')}`);
  });
});

describe('literal argument lists while typing', () => {
  it('a list with a parse error is evaluated every time, and a session typing into one matches a fresh analysis', async () => {
    const { DocumentSession } = await import('../../extension/engine/session/document_session');
    clearLiteralArguments();
    const base = 'import keras\nfrom keras import layers\ninputs = keras.Input(shape=(8, 8, 3))\nx = layers.Conv2D(4, 3, padding="same")(inputs)\nmodel = keras.Model(inputs, x)\n';
    const at = base.indexOf('padding="same"');
    const session = new DocumentSession();
    session.update(base, 0);
    let text = base;
    let version = 0;
    // Type ", 7)" out and back in after the padding argument, one character at a time.
    for (const [from, to, insert] of [[at, at + 14, ''], [at, at, 'p'], [at + 1, at + 1, 'a'], [at + 2, at + 2, ')'], [at + 3, at + 3, ','], [at, at + 4, 'padding="same"']] as const) {
      text = text.slice(0, from) + insert + text.slice(to);
      const got = session.update(text, ++version, [{ from, to, insert }]);
      assertSameAnalysis(got, fresh(text), text, `after typing to ${JSON.stringify(text.slice(at - 12, at + 16))}`);
    }
  });
});
