/**
 * Model names as real Keras 3.15 gives them (test/goldens/model_names/, written by
 * scripts/goldens/make_model_name_goldens.py): each build of a Sequential that knows its input uses
 * up a hidden `functional` name, so the keras.Model after it is `functional_1` (or later).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'goldens', 'model_names', 'manifest.json'), 'utf8')) as { cases: { name: string; source: string; models: string[] }[] };

describe('model names as Keras gives them', () => {
  for (const c of manifest.cases) {
    it(c.name, () => {
      const a = analyze(`import keras\n${c.source}`, { limits: { maxMillis: 1e9 } });
      const names = c.models.map((_, i) => a.models.find((m) => m.graph.variable === `m${i + 1}`)?.graph.name);
      assert.deepEqual(names, c.models);
    });
  }
});
