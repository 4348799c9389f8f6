/**
 * The sidebar diagram's groups: a nested model or custom layer (a backbone) is one node by default,
 * with the totals and receptive field the host computed, and expands into a box of its layers;
 * helper-function blocks collapse on request. Truths: Keras' counts, published fields, hand counts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { summarize } from '../../extension/engine/views/summary';
import { diagramNodes } from '../../webview/diagram_nodes';
import { example } from '../support/analyze';

const COLLAPSED = { grouped: false, expanded: new Set<string>() };

const head = (backbone: string) => [
  'import keras',
  `base = keras.applications.${backbone}`,
  'inputs = keras.Input((224, 224, 3))',
  'x = base(inputs)',
  'x = keras.layers.GlobalAveragePooling2D()(x)',
  'model = keras.Model(inputs, keras.layers.Dense(5)(x), name="head")',
  '',
].join('\n');

function summaryOf(text: string, name: string) {
  const m = summarize(text, analyze(text)).find((s) => s.name === name);
  assert.ok(m, name);
  // What postMessage carries: plain JSON.
  assert.deepStrictEqual(JSON.parse(JSON.stringify(m)), m);
  return m;
}

describe('diagram: a backbone is one node until expanded', () => {
  const text = head('VGG16(include_top=False, weights=None, input_shape=(224, 224, 3))');
  const model = summaryOf(text, 'head');

  it('collapsed by default: input, backbone, pooling, head; the node carries Keras\' totals and the backbone\'s output field', () => {
    const { nodes, boxes, edges } = diagramNodes(model, COLLAPSED);
    assert.deepEqual(nodes.map((n) => n.row.name), ['input_layer_1', 'vgg16', 'global_average_pooling2d', 'dense']);
    assert.equal(boxes.length, 0);
    const vgg = nodes[1].row;
    assert.match(vgg.type, /^Functional · \d+ layers$/);
    // Keras: VGG16(include_top=False).count_params() = 14,714,688; output (None, 7, 7, 512).
    assert.equal(vgg.params, '14,714,688');
    assert.equal(vgg.outputShape, '(None, 7, 7, 512)');
    // VGG16's pool5 sees 212x212 input pixels (Araujo et al., "Computing Receptive Fields of CNNs", Distill 2019).
    assert.equal(vgg.rf, '212x212');
    assert.ok(Math.abs(vgg.rfFraction! - 212 / 224) < 1e-9);
    assert.deepEqual(edges, [
      { source: 'input_layer_1', target: 'vgg16' },
      { source: 'vgg16', target: 'global_average_pooling2d' },
      { source: 'global_average_pooling2d', target: 'dense' },
    ]);
  });

  it('expanded: its 18 layers in a box, wired from the input to the pooling after it', () => {
    const { nodes, boxes, edges, nodeOf } = diagramNodes(model, { grouped: false, expanded: new Set(['vgg16']) });
    assert.deepEqual(boxes.map((b) => b.group.name), ['vgg16']);
    const inside = nodes.filter((n) => n.parent === 'vgg16').map((n) => n.row.name);
    // VGG16 without its top: 13 convolutions and 5 poolings (Simonyan & Zisserman 2015, configuration D).
    assert.equal(inside.length, 18);
    assert.equal(inside.filter((n) => /_conv\d$/.test(n)).length, 13);
    assert.ok(inside.includes('block5_pool'));
    assert.equal(nodeOf.get('block3_conv2'), 'block3_conv2');
    assert.ok(edges.some((e) => e.source === 'input_layer_1' && e.target === 'block1_conv1'));
    assert.ok(edges.some((e) => e.source === 'block5_pool' && e.target === 'global_average_pooling2d'));
    assert.equal(nodes.find((n) => n.row.name === 'block5_pool')!.row.rf, '212x212');
  });

  it('MobileNetV2 collapsed: Keras\' params', () => {
    const m = summaryOf(head('MobileNetV2(include_top=False, weights=None, input_shape=(224, 224, 3))'), 'head');
    const node = diagramNodes(m, COLLAPSED).nodes.find((n) => n.group)!;
    assert.equal(node.row.name, 'mobilenetv2_1.00_224');
    // Keras: keras.applications.MobileNetV2(include_top=False).count_params().
    assert.equal(node.row.params, '2,257,984');
    // Keras: len(base.layers) is 154, its InputLayer included (test/goldens/nesting, backbone_under_a_new_head).
    assert.equal(node.row.type, 'Functional · 154 layers');
    assert.equal(diagramNodes(m, COLLAPSED).nodes.length, 4);
  });
});

describe('diagram: custom layers holding layers, and a model nested in a nested model', () => {
  it('each ResidualBlock is one node with its own params and field (hand counts)', () => {
    const text = example('subclassed_resnet.py');
    const model = summaryOf(text, 'tiny_resnet');
    const { nodes } = diagramNodes(model, COLLAPSED);
    assert.deepEqual(nodes.map((n) => n.row.name), ['input_layer', 'stem', 'residual_block', 'residual_block_1', 'residual_block_2', 'global_average_pooling2d', 'dense']);
    const block = nodes[2].row;
    assert.match(block.type, /^ResidualBlock · \d+ layers$/);
    // Two 3x3 convolutions of 32 filters without bias and two batch norms: 2 x (9 x 32 x 32 + 4 x 32).
    assert.equal(block.params, '18,688');
    // The stem's 3x3 then two 3x3 convolutions at stride 1: 3 + 2 + 2.
    assert.equal(block.rf, '7x7');
  });

  it('a group inside a group: the outer node first, the inner one once the outer is expanded', () => {
    // Plumbing only (which node stands for which layer), so a hand-made summary (the tracer's
    // nesting is checked against Keras in nesting.test.ts).
    const row = (name: string, group: string | null, inbound: string[]) => ({ name, type: 'Conv2D', family: 'conv', line: 0, column: 0, outputShape: '?', params: '1', macs: '1', rf: '3x3', rfFraction: null, savings: null, inbound, group });
    const grp = (name: string, parent: string | null) => ({ name, type: 'Functional · 2 layers', container: true, parent, line: 0, column: 0, outputShape: '?', params: '2', macs: '2', rf: '5x5', rfFraction: null });
    const model = {
      key: 'outer', name: 'outer', variable: null, line: 0,
      rows: [row('in', null, []), row('c1', 'stem', ['in']), row('c2', 'stem', ['c1']), row('c3', 'body', ['c2']), row('flat', null, ['c3'])],
      groups: [grp('body', null), grp('stem', 'body')],
      totals: { params: '?', trainable: '?', nonTrainable: '?', macs: '?' },
    };
    const collapsed = diagramNodes(model, COLLAPSED);
    assert.deepEqual(collapsed.nodes.map((n) => n.row.name), ['in', 'body', 'flat']);
    assert.deepEqual(collapsed.edges, [{ source: 'in', target: 'body' }, { source: 'body', target: 'flat' }]);
    const outer = diagramNodes(model, { grouped: false, expanded: new Set(['body']) });
    assert.deepEqual(outer.nodes.map((n) => [n.row.name, n.parent]), [['in', null], ['stem', 'body'], ['c3', 'body'], ['flat', null]]);
    assert.deepEqual(outer.edges, [{ source: 'in', target: 'stem' }, { source: 'stem', target: 'c3' }, { source: 'c3', target: 'flat' }]);
    const both = diagramNodes(model, { grouped: false, expanded: new Set(['body', 'stem']) });
    assert.deepEqual(both.boxes.map((b) => [b.group.name, b.parent]), [['body', null], ['stem', 'body']]);
    assert.deepEqual(both.nodes.map((n) => [n.row.name, n.parent]), [['in', null], ['c1', 'stem'], ['c2', 'stem'], ['c3', 'body'], ['flat', null]]);
    // Expanding the inner one alone changes nothing while its parent is collapsed.
    assert.deepEqual(diagramNodes(model, { grouped: false, expanded: new Set(['stem']) }).nodes.map((n) => n.row.name), ['in', 'body', 'flat']);
  });
});

describe('diagram: helper-function blocks (the Group toggle)', () => {
  it('each double_conv call of the U-Net collapses into one node with its summed params, edges rewired', () => {
    const model = summaryOf(example('unet.py'), 'unet');
    assert.equal(model.groups.filter((g) => !g.container).length, 9, '4 encoder + bottleneck + 4 decoder double_conv calls');
    assert.ok(model.rows.filter((r) => /^(pool|up|concat)/.test(r.name)).every((r) => r.group === null), 'layers made by build_unet itself stay');
    assert.equal(diagramNodes(model, COLLAPSED).nodes.length, model.rows.length, 'ungrouped: every layer');
    const { nodes, edges, nodeOf } = diagramNodes(model, { grouped: true, expanded: new Set() });
    assert.equal(nodes.length, model.rows.length - 9 * 6 + 9);
    const ids = new Set(nodes.map((n) => n.row.name));
    for (const e of edges) {
      assert.ok(ids.has(e.source) && ids.has(e.target), `${e.source} -> ${e.target}`);
      assert.notEqual(e.source, e.target);
    }
    const block = nodes.find((n) => n.row.name === nodeOf.get('down0_conv1'))!.row;
    assert.match(block.type, /^double_conv\(\) · 6 layers$/);
    // Hand count: 3x3 conv 3->32 without bias, BN(32), 3x3 conv 32->32 without bias, BN(32).
    assert.equal(block.params, (864 + 128 + 9216 + 128).toLocaleString('en-US'));
    assert.deepEqual(edges.filter((e) => e.target === 'concat3').map((e) => e.source).sort(), ['up3', nodeOf.get('down3_relu2')!].sort());
  });
});
