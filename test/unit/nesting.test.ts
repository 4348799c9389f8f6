/**
 * Models nested in nested models, as Keras lists them: `model.layers` level by level (a nested
 * model is one entry, with its own `layers` beneath it), each entry's class and params, and the
 * automatic names a Sequential built by its first call uses up. Truth: test/goldens/nesting/cases.json,
 * written by real Keras (scripts/goldens/make_nesting_goldens.py).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { analysisToJson } from '../../extension/engine/report/json';

interface KerasRow { name: string; class: string; params: number; layers?: KerasRow[] }
interface Case { source: string; model: string; params: number; layers: KerasRow[] }
interface JsonRow { name: string; type: string; params: number | { trainable: number; nonTrainable: number } | null; layers?: JsonRow[] | null }

const golden = JSON.parse(readFileSync(path.join(__dirname, '..', 'goldens', 'nesting', 'cases.json'), 'utf8')) as { cases: Record<string, Case> };

const total = (p: JsonRow['params']) => (p === null ? null : typeof p === 'number' ? p : p.trainable + p.nonTrainable);

/**
 * One level: names, classes and params, then the levels beneath the nested models. Not compared:
 * the InputLayer a nested Functional model lists first (ConvLens does not list it inside its parent
 * yet), and what a custom layer holds (Keras gives a Layer no `layers`).
 */
function compare(keras: KerasRow[], ours: JsonRow[], nested: boolean, where: string): void {
  const expected = nested ? keras.filter((r) => r.class !== 'InputLayer') : keras;
  assert.deepEqual(ours.map((r) => [r.name, r.type, total(r.params)]), expected.map((r) => [r.name, r.class, r.params]), where);
  expected.forEach((r, i) => {
    if (r.layers) compare(r.layers, ours[i].layers ?? [], true, `${where} > ${r.name}`);
  });
}

describe('models nested in nested models (Keras goldens)', () => {
  for (const [name, c] of Object.entries(golden.cases)) {
    it(name, () => {
      const json = analysisToJson('f.py', c.source, analyze(c.source)) as unknown as { models: { name: string; layers: JsonRow[]; totals: { params: number } }[] };
      const model = json.models.find((m) => m.name === c.model);
      assert.ok(model, `model ${c.model} found`);
      compare(c.layers, model.layers, false, c.model);
    });
  }
});
