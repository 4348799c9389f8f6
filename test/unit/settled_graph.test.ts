/**
 * An incremental trace freezes the layer calls made before its checkpoint (context.ts
 * settleGraph), so the checkpoint neither saves nor compares them; the calls a resumed trace makes
 * stay open. Whether results stay exact is the differential test's (incremental_trace.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePython } from '../../extension/engine/parse';
import { IncrementalTracer } from '../../extension/engine/trace/incremental_trace';

const text = (units: number) =>
  [
    'import keras',
    'from keras import layers',
    'inputs = keras.Input((32, 32, 3))',
    'x = layers.Conv2D(8, 3)(inputs)',
    'x = layers.Add()([x, x])',
    `out = layers.Dense(${units})(x)`,
    'model = keras.Model(inputs, out)',
  ].join('\n');

describe('settled layer calls', () => {
  it('are frozen with their tensors once a checkpoint is saved after them; later calls are not', () => {
    const tracer = new IncrementalTracer();
    // The second trace saves its checkpoint before the edited statement; the third resumes from it.
    for (const units of [4, 45]) tracer.trace({ text: text(units), tree: parsePython(text(units)) });
    const result = tracer.trace({ text: text(456), tree: parsePython(text(456)) });
    assert.equal(tracer.stats.fresh, null, 'the second trace resumed');
    const calls = result.models[0].calls;
    const before = calls.filter((c) => c.layer.type !== 'Dense');
    const after = calls.filter((c) => c.layer.type === 'Dense');
    assert.equal(before.length, 3);
    for (const call of before) {
      assert.ok(Object.isFrozen(call) && Object.isFrozen(call.output) && Object.isFrozen(call.inputs), call.layer.name);
      assert.ok(Object.isFrozen(call.layer.scope));
      assert.ok(!Object.isFrozen(call.layer), 'a layer stays open: its trainable flag and calls can change');
    }
    assert.equal(after.length, 1);
    assert.ok(!Object.isFrozen(after[0]) && !Object.isFrozen(after[0].output));
    assert.deepEqual(after[0].output.shape, [null, 30, 30, 456]);
  });
});
