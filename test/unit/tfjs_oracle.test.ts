/**
 * Differential test: ConvLens vs tfjs-layers (an independent implementation of the Keras layer
 * API) on generated architectures. Output shapes and parameter counts must agree layer by layer.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { analyze } from '../../extension/engine/analysis/analyze';
import { generate, toPython } from '../support/arch_gen';
import { single } from '../support/analyze';

const MODELS = 40;

describe('ConvLens agrees with tfjs-layers on generated architectures', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (let seed = 1; seed <= MODELS; seed++) {
    it(`architecture #${seed}`, () => {
      const { model: gen, rejected } = generate(tfl, seed, 4 + (seed % 9));
      const source = toPython(gen);
      // Build the tfjs model from the same recipe to read per-layer shapes and params.
      const tensors: tfl.SymbolicTensor[] = [tfl.input({ shape: gen.inputShape })];
      const built: tfl.layers.Layer[] = [];
      for (const l of gen.layers) {
        const out = l.apply(tfl, l.inputs.map((i) => tensors[i]));
        tensors.push(out);
        built.push(out.sourceLayer as tfl.layers.Layer);
      }
      const analysis = analyze(source);
      assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), [], source);
      const m = analysis.models[0];
      const byName = new Map(m.layers.map((l) => [l.layer.name, l]));
      gen.layers.forEach((l, i) => {
        const ours = byName.get(l.name);
        assert.ok(ours, `${l.name} missing\n${source}`);
        assert.deepEqual(ours.outputShape, tensors[i + 1].shape, `${l.name}: ${l.python}\n${source}`);
        const params = ours.params!.trainable + ours.params!.nonTrainable;
        assert.equal(params, built[i].countParams(), `${l.name} params: ${l.python}`);
      });
      // Where tfjs computes a non-positive size, Keras raises and so must ConvLens.
      for (const bad of rejected.slice(0, 2)) {
        const r = single(bad.python.replace(/name="[^"]+"/, 'name="bad"'), bad.inputShape);
        assert.equal(r.errors.length, 1, `${bad.python} on ${JSON.stringify(bad.inputShape)}`);
      }
    });
  }
});
