/** keras.backend.clear_session() starts automatic names again, as in Keras 3.15.1. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, findModel } from '../../extension/engine/analysis/analyze';
import { pickModel } from '../../extension/runtime/run_job';
import { runJob } from '../../extension/runtime/run_job';
import { summarize } from '../../extension/engine/views/summary';
import { InProcessRunner } from '../../extension/runtime/ort/in_process_runner';

describe('clear_session', () => {
  it('resets layer and model names, whichever way it is spelled', () => {
    const text = `import keras
import tensorflow as tf
from keras import layers
from keras import backend as K
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = layers.Dense(2)
    def call(self, x):
        return self.d(x)
a = keras.Input((4,)); m1 = keras.Model(a, layers.Dense(2)(a))
s1 = keras.Sequential([layers.Dense(3)])
n1 = Net()
keras.backend.clear_session()
b = keras.Input((4,)); m2 = keras.Model(b, layers.Dense(2)(b))
s2 = keras.Sequential([layers.Dense(3)])
n2 = Net()
tf.keras.backend.clear_session()
c = keras.Input((4,)); m3 = keras.Model(c, layers.Conv1D(2, 1)(layers.Reshape((4, 1))(c)))
keras.utils.clear_session(free_memory=False)
d = keras.Input((4,)); m4 = keras.Model(d, layers.Dense(2)(d))
K.clear_session()
e = keras.Input((4,)); m5 = keras.Model(e, layers.Dense(2)(e))
`;
    const a = analyze(text);
    // Keras 3.15.1: model name and layer names of m1, s1, n1, m2, s2, n2, m3, m4, m5.
    assert.deepEqual(a.models.map((m) => [m.graph.variable, m.graph.name, m.layers.map((l) => l.layer.name)]), [
      ['m1', 'functional', ['input_layer', 'dense']],
      ['s1', 'sequential', ['dense_1']],
      ['n1', 'net', ['dense_2']],
      ['m2', 'functional', ['input_layer', 'dense']],
      ['s2', 'sequential', ['dense_1']],
      ['n2', 'net', ['dense_2']],
      ['m3', 'functional', ['input_layer', 'reshape', 'conv1d']],
      ['m4', 'functional', ['input_layer', 'dense']],
      ['m5', 'functional', ['input_layer', 'dense']],
    ]);
    assert.ok(!a.diagnostics.some((d) => d.code === 'unsupported'));
  });

  describe('two models of one name (as Keras names them) stay apart in views and jobs', () => {
    const text = 'import keras\nfrom keras import layers\na = keras.Input((4,))\nm1 = keras.Model(a, layers.Dense(2)(a))\nkeras.backend.clear_session()\nb = keras.Input((4,))\nm2 = keras.Model(b, layers.Dense(3)(b))\n';

    it('each has its own key; lookups by key, name or variable', () => {
      const a = analyze(text);
      assert.deepEqual(a.models.map((m) => [m.graph.name, m.key]), [['functional', 'functional'], ['functional', 'functional#2']]);
      assert.equal(findModel(a, 'functional#2')?.graph.variable, 'm2');
      assert.equal(findModel(a, 'functional')?.graph.variable, 'm1');
      assert.equal(findModel(a, 'm2')?.key, 'functional#2');
      assert.equal(pickModel(a, 'functional#2').graph.variable, 'm2');
      assert.deepEqual(summarize(text, a).map((m) => [m.key, m.name]), [['functional', 'functional'], ['functional#2', 'functional']]);
    });

    it('a run of the second runs the second and is reported under its key', async () => {
      const r = await runJob({ text, model: 'functional#2', input: { kind: 'random' }, seed: 1, batch: 1, memoryBudgetMB: 256, threads: 0, receptiveField: false }, new InProcessRunner());
      assert.equal(r.model, 'functional#2');
      assert.deepEqual(r.outputShape, [1, 3]);
    });
  });
});
