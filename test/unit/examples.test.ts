/**
 * The example models against published numbers: Keras applications' parameter totals and the
 * receptive fields in Araujo et al., "Computing Receptive Fields of CNNs" (Distill, 2019).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { example, layer, model, paramsOf } from '../support/analyze';

function errors(text: string) {
  return analyze(text).diagnostics.filter((d) => d.severity === 'error');
}

describe('published parameter counts', () => {
  const published: [string, string, number][] = [
    ['vgg16.py', 'vgg16', 138_357_544],
    ['mobilenet_v1.py', 'mobilenet_1.00_224', 4_253_864],
    ['xception.py', 'xception', 22_910_480],
  ];
  for (const [file, name, total] of published) {
    it(`${name}: ${total.toLocaleString('en-US')} params, no errors`, () => {
      const text = example(file);
      const m = model(analyze(text), name);
      assert.equal(m.totals.params, total);
      assert.deepEqual(errors(text), []);
    });
  }

  it('MobileNet v1: 21,888 of its params are BatchNormalization moving statistics (non-trainable)', () => {
    const m = model(analyze(example('mobilenet_v1.py')));
    // conv1 BN, then per block the depthwise BN (input channels) and the pointwise BN (output channels).
    const blocks: [number, number][] = [[32, 64], [64, 128], [128, 128], [128, 256], [256, 256], [256, 512], [512, 512], [512, 512], [512, 512], [512, 512], [512, 512], [512, 1024], [1024, 1024]];
    const bnChannels = [32, ...blocks.flat()];
    assert.equal(m.totals.nonTrainableParams, 2 * bnChannels.reduce((a, b) => a + b, 0));
    assert.equal(m.totals.nonTrainableParams, 21_888);
  });

  it('VGG16 shapes and MACs per layer follow the conv formulas', () => {
    const m = model(analyze(example('vgg16.py')));
    assert.deepEqual(layer(m, 'block5_pool').outputShape, [null, 7, 7, 512]);
    assert.deepEqual(layer(m, 'flatten').outputShape, [null, 25088]);
    assert.equal(paramsOf(layer(m, 'fc1')), 25088 * 4096 + 4096);
    assert.equal(layer(m, 'block1_conv2').macs, 224 * 224 * 3 * 3 * 64 * 64);
    // VGG16 is ~15.5 GMACs.
    assert.ok(m.totals.macs > 15.3e9 && m.totals.macs < 15.6e9, String(m.totals.macs));
  });
});

describe('receptive fields published in Distill 2019', () => {
  it('VGG16 pool5: size 212, effective stride 32, effective padding 90', () => {
    const rf = layer(model(analyze(example('vgg16.py'))), 'block5_pool').rf;
    assert.deepEqual(rf, { axes: [{ size: 212, stride: 32, padding: 90 }, { size: 212, stride: 32, padding: 90 }] });
  });

  it('MobileNet v1 last pointwise conv: size 315, effective stride 32', () => {
    const rf = layer(model(analyze(example('mobilenet_v1.py'))), 'conv_pw_13').rf;
    assert.ok(rf && rf !== 'global');
    for (const axis of rf.axes) {
      assert.equal(axis.size, 315);
      assert.equal(axis.stride, 32);
    }
  });

  it('layers after global pooling or Flatten see the whole input', () => {
    const m = model(analyze(example('mobilenet_v1.py')));
    assert.equal(layer(m, 'global_average_pooling2d').rf, 'global');
    assert.equal(layer(m, 'predictions').rf, 'global');
  });
});

describe('U-Net with Conv2DTranspose', () => {
  const text = example('unet.py');
  const m = model(analyze(text), 'unet');

  it('restores the input resolution and concatenates the skips', () => {
    assert.deepEqual(m.graph.outputs[0].shape, [null, 128, 128, 3]);
    assert.deepEqual(layer(m, 'up3').outputShape, [null, 16, 16, 256]);
    assert.deepEqual(layer(m, 'concat3').outputShape, [null, 16, 16, 512]);
    assert.deepEqual(layer(m, 'concat3').inbound, ['up3', 'down3_relu2']);
    // Conv2DTranspose params: kh*kw*filters*Cin + filters.
    assert.equal(paramsOf(layer(m, 'up3')), 2 * 2 * 256 * 512 + 256);
    assert.deepEqual(errors(text), []);
  });

  it('a transposed conv with stride 2 halves the effective stride', () => {
    const bottleneck = layer(m, 'bottleneck_relu2').rf;
    const up = layer(m, 'up3').rf;
    assert.ok(bottleneck && bottleneck !== 'global' && up && up !== 'global');
    assert.equal(bottleneck.axes[0].stride, 16);
    assert.equal(up.axes[0].stride, 8);
    // k=2, s=2: each output reads exactly one input pixel, so the field does not grow.
    assert.equal(up.axes[0].size, bottleneck.axes[0].size);
  });

  it('no design warning: k=2/s=2 is checkerboard-free and skips stay aligned', () => {
    const warnings = analyze(text).diagnostics.filter((d) => d.severity === 'warning');
    assert.deepEqual(warnings.map((w) => w.code), []);
  });
});

describe('DeepLab ASPP head (dilation 6/12/18)', () => {
  const m = model(analyze(example('deeplab_aspp.py')), 'deeplab_aspp');

  it('dilated branches keep the feature size and grow the field by 2*rate*stride', () => {
    const base = layer(m, 'enc3_conv_relu');
    const baseRf = base.rf;
    assert.ok(baseRf && baseRf !== 'global');
    for (const rate of [6, 12, 18]) {
      const branch = layer(m, `aspp_rate${rate}`);
      assert.deepEqual(branch.outputShape, [null, 16, 16, 256]);
      const rf = branch.rf;
      assert.ok(rf && rf !== 'global');
      assert.equal(rf.axes[0].size, baseRf.axes[0].size + 2 * rate * 16);
    }
  });

  it('the image-pooling branch makes the merged output global, upsampled back to the input size', () => {
    assert.equal(layer(m, 'aspp_concat').rf, 'global');
    assert.deepEqual(layer(m, 'aspp_concat').outputShape, [null, 16, 16, 1280]);
    assert.deepEqual(m.graph.outputs[0].shape, [null, 256, 256, 21]);
  });
});

describe('subclassed ResNet with a custom Layer', () => {
  const text = example('subclassed_resnet.py');
  const m = model(analyze(text), 'tiny_resnet');

  it('is traced through __init__, call and the custom block, on the directive input shape', () => {
    assert.equal(m.graph.kind, 'subclassed');
    assert.equal(m.graph.variable, 'model');
    assert.deepEqual(m.graph.inputs[0].shape, [null, 64, 64, 3]);
    assert.deepEqual(m.graph.outputs[0].shape, [null, 10]);
  });

  it('counts every block, projection shortcuts included', () => {
    const conv = (k: number, cin: number, f: number, bias = false) => k * k * cin * f + (bias ? f : 0);
    const bn = (c: number) => 4 * c;
    const block = (cin: number, f: number, project: boolean) => conv(3, cin, f) + bn(f) + conv(3, f, f) + bn(f) + (project ? conv(1, cin, f) : 0);
    const expected = conv(3, 3, 32, true) + block(32, 32, false) + block(32, 64, true) + block(64, 128, true) + 128 * 10 + 10;
    assert.equal(m.totals.params, expected);
    assert.deepEqual(errors(text), []);
  });
});

describe('weights() agrees with the parameter count of every layer', () => {
  for (const file of ['vgg16.py', 'mobilenet_v1.py', 'xception.py', 'unet.py', 'deeplab_aspp.py', 'subclassed_resnet.py']) {
    it(file, () => {
      for (const l of analyze(example(file)).models[0].layers) {
        const kernel = l.layer.kernel!;
        const shapes = l.call.inputs.map((t) => t.shape!);
        const specs = kernel.weights?.(l.layer.config, shapes) ?? [];
        const total = specs.reduce((acc, s) => acc + s.shape.reduce((a, b) => a * b, 1), 0);
        const trainable = specs.filter((s) => s.trainable).reduce((acc, s) => acc + s.shape.reduce((a, b) => a * b, 1), 0);
        assert.equal(total, paramsOf(l), `${l.layer.name}`);
        assert.equal(trainable, l.params!.trainable, `${l.layer.name} trainable`);
      }
    });
  }
});
