/**
 * channels_first, per layer (`data_format=`) and globally (`keras.config.set_image_data_format`,
 * `keras.backend.set_image_data_format`): ConvLens against what real Keras made of the same
 * programs (test/goldens/channels_first/, scripts/goldens/make_channels_first_goldens.py).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze, type Analysis } from '../../extension/engine/analysis/analyze';
import { ROOT } from '../support/analyze';
import { compareError, compareVariant, convlensRows, type GoldenRow, type GoldenVariant } from '../support/application_goldens';

type Shape = (number | null)[];
interface Program {
  source: string;
  error?: string | null;
  name?: string;
  output?: Shape[];
  trainable?: number;
  non_trainable?: number;
  layers?: GoldenRow[];
}

const DIR = path.join(ROOT, 'test', 'goldens', 'channels_first');
const fmt = (s: Shape | null | undefined) => (s ? `(${s.map((d) => (d === null ? 'None' : d)).join(', ')})` : 'unknown');
/** Keras' message without its class and terminal colours. */
const message = (error: string) => error.replace(/\u001b\[[0-9;]*m/g, '').replace(/^[A-Za-z]+Error: /, '');

/** Where ConvLens' analysis of a program differs from what Keras made of it. */
export function programDiffs(p: Program, analysis: Analysis = analyze(p.source)): string[] {
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (p.error !== undefined) {
    if (p.error === null) return errors.map((e) => `error: ${e.message}`);
    const keras = message(p.error);
    // Keras wraps errors raised inside call() with the call's arguments: its own message must be there.
    return errors.some((e) => keras.includes(e.message)) ? [] : [`Keras: ${keras.split('\n').filter(Boolean).slice(0, 2).join(' ')}; ConvLens: ${errors.map((e) => e.message).join(' | ') || 'no error'}`];
  }
  const diffs = errors.map((e) => `error: ${e.message}`);
  // The program's `model` (an earlier model may share its name).
  const model = analysis.models.find((m) => m.graph.variable === 'model' && m.graph.name === p.name);
  if (!model) return [...diffs, `no model ${p.name}`];
  // A Sequential does not list its InputLayer in Keras' model.layers.
  const rows = convlensRows(model).filter((r) => model.graph.kind !== 'sequential' || r[1] !== 'InputLayer');
  // A nested model's layers are listed one by one in ConvLens' table (its InputLayer is not called in the parent).
  const keras = p.layers!.flatMap((r) => (r[5] ? r[5].filter((inner) => inner[1] !== 'InputLayer') : [r]));
  for (let i = 0; i < Math.max(rows.length, keras.length); i++) {
    const [k, c] = [keras[i], rows[i]];
    if (!k || !c) {
      diffs.push(`layer ${i}: Keras ${k?.[0] ?? 'none'}, ConvLens ${c?.[0] ?? 'none'}`);
      continue;
    }
    if (k[0] !== c[0] || k[1] !== c[1] || fmt(k[2]) !== fmt(c[2]) || k[3] !== c[3] || k[4] !== c[4]) {
      diffs.push(`layer ${i}: ConvLens ${c[0]} ${c[1]} ${fmt(c[2])} ${c[3]}/${c[4]}, Keras ${k[0]} ${k[1]} ${fmt(k[2])} ${k[3]}/${k[4]}`);
    }
  }
  if (model.totals.trainableParams !== p.trainable || model.totals.nonTrainableParams !== p.non_trainable) diffs.push(`totals ${model.totals.trainableParams}/${model.totals.nonTrainableParams}, Keras ${p.trainable}/${p.non_trainable}`);
  return diffs;
}

describe('channels_first layers against Keras', () => {
  const golden = JSON.parse(readFileSync(path.join(DIR, 'layers.json'), 'utf8')) as { programs: Record<string, Program> };
  for (const [name, p] of Object.entries(golden.programs)) {
    it(name, () => assert.deepEqual(programDiffs(p), []));
  }
});

describe('keras.applications under channels_first against Keras', () => {
  interface AppGolden { variants: Record<string, GoldenVariant & { error?: string }>; errors: { code: string; source: string; error: string | null }[] }
  const golden = JSON.parse(readFileSync(path.join(DIR, 'applications.json'), 'utf8')) as { applications: Record<string, AppGolden> };
  for (const [app, g] of Object.entries(golden.applications)) {
    describe(app, () => {
      for (const [key, v] of Object.entries(g.variants)) {
        it(key, () => {
          // Keras refuses some families under channels_first: ConvLens must say what Keras says.
          if (v.error) assert.deepEqual(compareError({ code: v.code, source: v.source, error: v.error }), { got: message(v.error), ok: true });
          else assert.deepEqual(compareVariant(v).diffs, []);
        });
      }
      it('errors for bad input shapes', () => {
        for (const e of g.errors) assert.ok(compareError(e).ok, `${e.code}: Keras ${e.error}, ConvLens ${compareError(e).got}`);
      });
    });
  }
});

describe('receptive fields under channels_first', () => {
  it('follow the spatial axes: the same fields as channels_last (hand counts)', () => {
    const program = (first: boolean) => [
      'import keras',
      'from keras import layers',
      ...(first ? ['keras.config.set_image_data_format("channels_first")'] : []),
      `x = inputs = keras.Input(${first ? '(3, 64, 80)' : '(64, 80, 3)'})`,
      'x = layers.Conv2D(8, 3, strides=2, padding="same", name="c1")(x)',
      'x = layers.MaxPooling2D(name="pool")(x)',
      'x = layers.Conv2D(8, (5, 3), dilation_rate=2, name="c2")(x)',
      'model = keras.Model(inputs, x, name="net")',
      '',
    ].join('\n');
    const fields = (first: boolean) => {
      const m = analyze(program(first)).models[0];
      return m.layers.slice(1).map((l) => (l.rf && l.rf !== 'global' ? l.rf.axes.map((a) => `${a.size}/${a.stride}`).join(' x ') : String(l.rf)));
    };
    // c1: 3 at stride 2; pool: 3 + (2 - 1) * 2 = 5 at stride 4; c2 dilated to 9 x 5: 5 + 8 * 4 = 37 and 5 + 4 * 4 = 21.
    assert.deepEqual(fields(true), ['3/2 x 3/2', '5/4 x 5/4', '37/4 x 21/4']);
    assert.deepEqual(fields(false), fields(true));
  });
});
