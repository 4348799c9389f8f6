/**
 * Models nested in nested models, as Keras lists them: `model.layers` level by level (a nested
 * model is one entry, with its own `layers` beneath it, a nested Functional's InputLayer first), each
 * entry's class, output shape (as model.summary() prints it) and params, the automatic names a
 * Sequential built by its first call uses up, and the "N layers" the diagram and hover state.
 * Truth: test/goldens/nesting/cases.json, written by real Keras (scripts/goldens/make_nesting_goldens.py).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze, type EntryReport } from '../../extension/engine/analysis/analyze';
import { containerHover } from '../../extension/engine/views/hover_text';
import { summarize } from '../../extension/engine/views/summary';
import { analysisToJson } from '../../extension/engine/report/json';

interface KerasRow { name: string; class: string; output_shape: (number | null)[] | null; params: number; layers?: KerasRow[] }
interface Case { source: string; model: string; params: number; layers: KerasRow[] }
interface JsonRow { name: string; type: string; outputShape: (number | null)[] | null; params: number | { trainable: number; nonTrainable: number } | null; layers?: JsonRow[] | null }

const golden = JSON.parse(readFileSync(path.join(__dirname, '..', 'goldens', 'nesting', 'cases.json'), 'utf8')) as { cases: Record<string, Case> };

const total = (p: JsonRow['params']) => (p === null ? null : typeof p === 'number' ? p : p.trainable + p.nonTrainable);

/**
 * One level, every entry Keras lists (a nested Functional's own InputLayer first): names, classes,
 * output shapes and params, then the levels beneath the nested models. What a custom layer holds is
 * not compared: Keras gives a Layer no `layers`.
 */
function compare(keras: KerasRow[], ours: JsonRow[], where: string): void {
  const row = (name: string, type: string, shape: unknown, params: number | null) => `${name} ${type} ${JSON.stringify(shape)} ${params}`;
  // Keras has no output for a layer called only inside a subclassed model's `call`: no shape to compare.
  const shapeOf = (r: JsonRow, i: number) => (keras[i] && keras[i].output_shape === null ? null : r.outputShape);
  assert.deepEqual(ours.map((r, i) => row(r.name, r.type, shapeOf(r, i), total(r.params))), keras.map((r) => row(r.name, r.class, r.output_shape, r.params)), where);
  keras.forEach((r, i) => {
    if (r.layers) compare(r.layers, ours[i].layers ?? [], `${where} > ${r.name}`);
  });
}

describe('models nested in nested models (Keras goldens)', () => {
  for (const [name, c] of Object.entries(golden.cases)) {
    it(name, () => {
      const json = analysisToJson('f.py', c.source, analyze(c.source)) as unknown as { models: { name: string; layers: JsonRow[]; totals: { params: number } }[] };
      const model = json.models.find((m) => m.name === c.model);
      assert.ok(model, `model ${c.model} found`);
      compare(c.layers, model.layers, c.model);
      assert.equal(model.totals.params, c.params, 'the parent counts each nested model once');
    });
  }
});

/** Every nested model in a golden listing (a custom layer has no `layers` in Keras), with its `len(layers)`. */
function nestedModels(rows: KerasRow[]): { name: string; class: string; count: number }[] {
  return rows.flatMap((r) => (r.layers ? [{ name: r.name, class: r.class, count: r.layers.length }, ...nestedModels(r.layers)] : []));
}

describe('a nested model\'s "N layers" is Keras\' len(model.layers) (Keras goldens)', () => {
  for (const [name, c] of Object.entries(golden.cases)) {
    it(name, () => {
      const analysis = analyze(c.source);
      const report = analysis.models.find((m) => m.graph.name === c.model)!;
      const summary = summarize(c.source, analysis).find((m) => m.name === c.model)!;
      const entries = new Map<string, EntryReport>();
      const walk = (list: EntryReport[]) => list.forEach((e) => e.entries && (entries.set(e.name, e), walk(e.entries)));
      walk(report.entries);
      for (const n of nestedModels(c.layers)) {
        const label = `${n.count} layer${n.count === 1 ? '' : 's'}`;
        assert.equal(summary.groups.find((g) => g.name === n.name)?.type, `${n.class} · ${label}`, `diagram node of ${n.name}`);
        const hover = containerHover(entries.get(n.name)!, report);
        assert.ok(hover.startsWith(`**${n.name.replace(/_/g, '\\_')}** \`${n.class}\` in model \`${c.model}\` (${label})`), hover.split('\n')[0]);
      }
    });
  }
});
