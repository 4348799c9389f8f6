/**
 * The sidebar table's groups: a nested model or custom layer (a backbone) is one row by default,
 * with the totals the host computed, and expands into its layers (indented) below that row; and
 * the receptive-field bar measured along the input's spatial axes, channels first or last.
 * Truths: Keras' goldens (test/goldens/applications, written by real Keras), hand counts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { summarize } from '../../extension/engine/views/summary';
import { tableRows } from '../../webview/table_rows';
import { ROOT } from '../support/analyze';
import type { ApplicationGolden, GoldenRow } from '../support/application_goldens';

const NONE = new Set<string>();

function golden(application: string, variant: string) {
  const g = JSON.parse(readFileSync(path.join(ROOT, 'test', 'goldens', 'applications', `${application}.json`), 'utf8')) as ApplicationGolden;
  return g.variants[variant];
}

/** Keras' figures as the sidebar prints them (en-US digit groups; shapes as Python prints them). */
const count = (n: number) => n.toLocaleString('en-US');
const shape = (s: (number | null)[]) => `(${s.map((d) => (d === null ? 'None' : d)).join(', ')})`;

/** A head on a backbone built by the golden's own code (its input shape is the golden's). */
function headOn(code: string, input: (number | null)[]) {
  const text = [
    'import keras',
    `base = ${code}`,
    `inputs = keras.Input((${input.slice(1).join(', ')}))`,
    'x = base(inputs)',
    'model = keras.Model(inputs, keras.layers.Dense(5)(x), name="head")',
    '',
  ].join('\n');
  const m = summarize(text, analyze(text)).find((s) => s.name === 'head');
  assert.ok(m, 'head');
  // What postMessage carries: plain JSON.
  assert.deepStrictEqual(JSON.parse(JSON.stringify(m)), m);
  return { text, model: m };
}

for (const application of ['VGG16', 'MobileNetV2']) {
  describe(`table: ${application} under a head is one row until expanded`, () => {
    const keras = golden(application, 'notop_avg');
    const { text, model } = headOn(keras.code, keras.input as (number | null)[]);
    // The backbone's layers as Keras lists them; a nested InputLayer may or may not be listed.
    const inner = (keras.layers as GoldenRow[]).filter((r) => r[1] !== 'InputLayer');
    const withoutInput = <T extends { row: { type: string } }>(rows: T[]) => rows.filter((r) => r.row.type !== 'InputLayer');

    it('collapsed: input, backbone, head; the backbone row carries Keras\' totals and output shape', () => {
      const { rows } = tableRows(model, NONE);
      assert.deepEqual(rows.map((r) => [r.row.type === 'InputLayer' ? 'input' : r.row.name, r.depth, !!r.group]), [['input', 0, false], [keras.name, 0, true], ['dense', 0, false]]);
      const backbone = rows[1];
      assert.equal(backbone.expanded, false);
      assert.equal(backbone.row.params, count(keras.trainable + keras.non_trainable));
      assert.equal(backbone.row.outputShape, shape(keras.output));
      // Click-to-reveal: the group row is the backbone's construction in the source.
      assert.equal(backbone.row.line, text.split('\n').findIndex((l) => l.startsWith('base = ')));
    });

    it('expanded: its row stays (to fold it back), then every layer Keras lists, one level in, then the head', () => {
      const { rows, rowOf } = tableRows(model, new Set([keras.name]));
      const at = rows.findIndex((r) => r.group);
      assert.equal(rows[at].expanded, true);
      assert.equal(rows[at].row.params, count(keras.trainable + keras.non_trainable));
      const inside = withoutInput(rows.slice(at + 1, -1));
      assert.ok(rows.slice(at + 1, -1).every((r) => r.depth === 1 && !r.group));
      assert.deepEqual(inside.map((r) => [r.row.name, r.row.type, r.row.outputShape, r.row.params]), inner.map((k) => [k[0], k[1], shape(k[2]), count(k[3] + k[4])]));
      assert.deepEqual([rows[rows.length - 1].row.name, rows[rows.length - 1].depth], ['dense', 0]);
      assert.equal(rowOf.get(inner[3][0]), inner[3][0]);
    });

    it('folded back: the collapsed rows again, and a layer inside highlights the backbone row', () => {
      const { rows, rowOf } = tableRows(model, NONE);
      assert.equal(rows.length, 3);
      assert.equal(rowOf.get(inner[3][0]), keras.name);
      assert.equal(rowOf.get('dense'), 'dense');
    });
  });
}

describe('table: custom layers holding layers, and a model nested in a nested model', () => {
  it('each ResidualBlock is one row (hand counts)', () => {
    const text = readFileSync(path.join(ROOT, 'examples', 'subclassed_resnet.py'), 'utf8');
    const model = summarize(text, analyze(text)).find((m) => m.name === 'tiny_resnet')!;
    const { rows } = tableRows(model, NONE);
    assert.deepEqual(rows.map((r) => r.row.name), ['input_layer', 'stem', 'residual_block', 'residual_block_1', 'residual_block_2', 'global_average_pooling2d', 'dense']);
    // Two 3x3 convolutions of 32 filters without bias and two batch norms: 2 x (9 x 32 x 32 + 4 x 32).
    assert.equal(rows[2].row.params, '18,688');
    const open = tableRows(model, new Set(['residual_block_1'])).rows;
    const at = open.findIndex((r) => r.row.name === 'residual_block_1');
    // ResidualBlock(64, strides=2): conv1, conv2 and the strided projection, two batch norms, the
    // add and its ReLU (the source), indented below it.
    const inside = open.slice(at + 1).filter((r) => r.depth === 1);
    const kinds = inside.map((r) => r.row.type);
    assert.deepEqual([kinds.filter((k) => k === 'Conv2D').length, kinds.filter((k) => k === 'BatchNormalization').length, kinds.filter((k) => k === 'Add').length], [3, 2, 1], kinds.join());
    assert.equal(open.length, rows.length + inside.length);
  });

  it('a group inside a group: the outer row first, the inner one once the outer is expanded', () => {
    // Plumbing only (which row stands for which layer), so a hand-made summary.
    const row = (name: string, group: string | null) => ({ name, type: 'Conv2D', family: 'conv', line: 0, column: 0, outputShape: '?', params: '1', macs: '1', rf: '3x3', rfFraction: null, savings: null, inbound: [], group });
    const grp = (name: string, parent: string | null, container = true) => ({ name, type: 'Functional', container, parent, line: 0, column: 0, outputShape: '?', params: '2', macs: '2', rf: '5x5', rfFraction: null });
    const model = {
      key: 'outer', name: 'outer', variable: null, line: 0,
      rows: [row('in', null), row('c1', 'stem'), row('c2', 'stem'), row('c3', 'body'), row('d1', 'double_conv#1'), row('flat', null)],
      groups: [grp('body', null), grp('stem', 'body'), grp('double_conv#1', null, false)],
      totals: { params: '?', trainable: '?', nonTrainable: '?', macs: '?' },
    };
    const view = (expanded: string[]) => tableRows(model, new Set(expanded)).rows.map((r) => `${'  '.repeat(r.depth)}${r.row.name}${r.group ? (r.expanded ? ' -' : ' +') : ''}`);
    // Helper-function blocks are not folded in the table.
    assert.deepEqual(view([]), ['in', 'body +', 'd1', 'flat']);
    assert.deepEqual(view(['body']), ['in', 'body -', '  stem +', '  c3', 'd1', 'flat']);
    assert.deepEqual(view(['body', 'stem']), ['in', 'body -', '  stem -', '    c1', '    c2', '  c3', 'd1', 'flat']);
    // Expanding the inner one alone changes nothing while its parent is collapsed.
    assert.deepEqual(view(['stem']), view([]));
    assert.equal(tableRows(model, new Set(['body'])).rowOf.get('c2'), 'stem');
    // Each row's enclosing expanded group (where ArrowLeft goes).
    assert.deepEqual(tableRows(model, new Set(['body', 'stem'])).rows.map((r) => r.parent), [null, null, 'body', 'stem', 'stem', 'body', null, null]);
  });
});

describe('the receptive-field bar: the input\'s spatial axes, channels first or last', () => {
  const barOf = (text: string, layer: string) => {
    const m = summarize(text, analyze(text))[0];
    const r = m.rows.find((x) => x.name === layer)!;
    return { rf: r.rf, fraction: r.rfFraction };
  };
  // Keras (3.15): Conv2D(8, 5, data_format="channels_first") on (3, 20, 40) gives (None, 8, 16, 36):
  // the spatial axes are 20 and 40, the field of one 5x5 window is 5x5 (hand count), so 5 / 40.
  it('data_format="channels_first" on a layer: the field over the larger of 20 x 40, not of 3 x 20', () => {
    const text = 'import keras\ninputs = keras.Input((3, 20, 40))\nx = keras.layers.Conv2D(8, 5, data_format="channels_first")(inputs)\nmodel = keras.Model(inputs, x)\n';
    assert.deepEqual(barOf(text, 'conv2d'), { rf: '5x5', fraction: 5 / 40 });
  });

  // Keras: with the format set to channels_first, Conv2D(8, 3) on (64, 16, 16) gives (None, 8, 14, 14).
  it('keras.config.set_image_data_format("channels_first"): 3 over 16, not over the 64 channels', () => {
    const text = 'import keras\nkeras.config.set_image_data_format("channels_first")\ninputs = keras.Input((64, 16, 16))\nx = keras.layers.Conv2D(8, 3)(inputs)\nmodel = keras.Model(inputs, x)\n';
    assert.deepEqual(barOf(text, 'conv2d'), { rf: '3x3', fraction: 3 / 16 });
  });

  it('channels last stays as it was: 3 over 16', () => {
    const text = 'import keras\ninputs = keras.Input((16, 16, 64))\nx = keras.layers.Conv2D(8, 3)(inputs)\nmodel = keras.Model(inputs, x)\n';
    assert.deepEqual(barOf(text, 'conv2d'), { rf: '3x3', fraction: 3 / 16 });
  });
});
