/**
 * The tracer's configs and build results by value (extension/engine/trace/layer_memo.ts), the
 * savings by build result (analysis/savings.ts) and the shared coprime dilation chain
 * (analysis/design_checks.ts): each memoized answer must equal the one made from scratch (reuse
 * off: extension/engine/reuse.ts). The cases come in twins that differ in one thing the answer
 * depends on (a positional value, a keyword's name or value, a tuple or an int, the global image
 * data format, the input shape), traced in one file after the other: a key that missed that
 * thing would hand the second twin the first one's answer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { parsePython } from '../../extension/engine/parse';
import { setReuseEnabled } from '../../extension/engine/reuse';
import { argumentsKey } from '../../extension/engine/trace/layer_memo';
import { trace, type TraceResult } from '../../extension/engine/trace/trace';
import type { Value } from '../../extension/engine/trace/values';
import { lcg } from '../support/random';
import { EXAMPLE_FILES, example } from '../support/analyze';
import type { Shape } from '../../kernels/types';

const TWINS = `import keras
from keras import layers
x = keras.Input((12, 12, 4))
y = keras.Input((9, 9, 4))
a = layers.Conv2D(8, 3)
b = layers.Conv2D(8, 5)
c = layers.Conv2D(8, 3, strides=2)
d = layers.Conv2D(8, 3, dilation_rate=2)
e = layers.Conv2D(8, (3, 1))
f = layers.Conv2D(8, 3, padding="same")
g = layers.Conv2D(8, 3, padding="valid")
h = layers.Conv2D(8, 3, use_bias=False)
i = layers.Conv2D(8, 3, use_bias=True)
k1 = layers.LeakyReLU(negative_slope=0.25)
k2 = layers.LeakyReLU(alpha=0.25)
k3 = layers.LeakyReLU(negative_slope=0.5)
p1 = layers.MaxPooling2D(2)
p2 = layers.MaxPooling2D(2, strides=1)
n1 = layers.Dense(4, name="n1")
n2 = layers.Dense(4, name="n2")
s1 = layers.SeparableConv2D(8, 3, depth_multiplier=2)
s2 = layers.SeparableConv2D(8, 3)
outs = [a(x), b(x), c(x), d(x), e(x), f(x), g(x), h(x), i(x), a(y), b(y), f(y), k1(x), k2(x), k3(x), p1(x), p2(x), p1(y), n1(x), n2(y), s1(x), s2(x)]
keras.config.set_image_data_format("channels_first")
j = layers.Conv2D(8, 3)
outs2 = [j(x), j(y)]
`;

function traced(text: string): TraceResult {
  return trace({ text, tree: parsePython(text) });
}

function fromScratch<T>(make: () => T): T {
  setReuseEnabled(false);
  try {
    return make();
  } finally {
    setReuseEnabled(true);
  }
}

/** Every layer's config and every call's result and output shape, by layer name and call index. */
function answers(r: TraceResult): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const layer of r.layers) {
    out.set(`${layer.name}.config`, layer.config);
    layer.calls.forEach((call, n) => out.set(`${layer.name}.${n}`, { result: call.result, shape: call.output.shape }));
  }
  return out;
}

describe('configs and build results by value', () => {
  it('a memoized config or build result equals the one made from scratch, for every twin', () => {
    const reference = answers(fromScratch(() => traced(TWINS)));
    // Twice: the first trace fills the memos (and its later twins read what earlier ones left), the second reads them all.
    const first = traced(TWINS);
    const second = traced(TWINS);
    for (const r of [first, second]) assert.deepEqual(answers(r), reference);
    // The second trace did reuse: its layers hold the first trace's (frozen) objects.
    const a1 = first.layers.find((l) => l.name === 'conv2d')!;
    const a2 = second.layers.find((l) => l.name === 'conv2d')!;
    assert.equal(a2.config, a1.config);
    assert.equal(a2.calls[0].result, a1.calls[0].result);
    assert.ok(Object.isFrozen(a2.config) && Object.isFrozen(a2.calls[0].result));
    // The twins differ where they should (so the comparison above can fail).
    const config = (name: string) => reference.get(`${name}.config`);
    assert.notDeepEqual(config('conv2d'), config('conv2d_9'));
    assert.notDeepEqual(reference.get('conv2d.0'), reference.get('conv2d.1'));
  });

  it('the analysis of a file traced with the memos full equals one from scratch (savings by build result included)', () => {
    // a's savings differ by input shape (its MACs): one model per shape.
    const text = `${TWINS}m = keras.Model(x, layers.Flatten()(s2(c(x))))\nma = keras.Model(x, a(x))\nmb = keras.Model(y, a(y))\n`;
    analyze(text);
    const memoized = analyze(text);
    const reference = fromScratch(() => analyze(text));
    assert.deepEqual(memoized.diagnostics, reference.diagnostics);
    assert.deepEqual(
      memoized.models.map((m) => m.layers.map((l) => [l.layer.name, l.outputShape, l.params, l.macs, l.rf, l.savings])),
      reference.models.map((m) => m.layers.map((l) => [l.layer.name, l.outputShape, l.params, l.macs, l.rf, l.savings])),
    );
  });

  it("a successful build does not depend on the layer's name (so the memo leaves it out)", () => {
    let built = 0;
    for (const text of [TWINS, ...EXAMPLE_FILES.map(example)]) {
      for (const layer of fromScratch(() => traced(text)).layers) {
        for (const call of layer.calls) {
          if (!call.result || !layer.kernel || layer.config === null) continue;
          const shapes = call.inputs.map((t) => t.shape) as Shape[];
          const build = (layerName: string) => layer.kernel!.build(layer.config, shapes, { layerName });
          assert.deepEqual(build('another_name'), build(layer.name), `${layer.name} (${layer.type})`);
          built++;
        }
      }
    }
    assert.ok(built > 300, `${built} builds`);
  });

  it('arguments keys tell apart what binding reads', () => {
    const int = (v: number): Value => ({ t: 'int', v });
    const str = (v: string): Value => ({ t: 'str', v });
    const key = (args: Value[], kwargs: [string, Value][] = [], format: string | null = 'channels_last', kind = 'Conv2D') => argumentsKey(kind, format, args, new Map(kwargs));
    const keys = [
      key([int(8), int(3)]),
      key([int(8), int(3)], [], 'channels_first'),
      key([int(8), int(3)], [], null),
      key([int(8), int(3)], [], 'channels_last', 'Conv1D'),
      key([int(83)]),
      key([int(8), { t: 'float', v: 3 }]),
      key([int(8), { t: 'tuple', items: [int(3), int(3)] }]),
      key([int(8), { t: 'list', items: [int(3), int(3)] }]),
      key([int(8)], [['kernel_size', int(3)]]),
      key([int(8)], [['strides', int(3)]]),
      key([int(8)], [['a', str('b=s1:c')]]),
      key([int(8)], [['a=s1:b', str('c')]]),
      key([{ t: 'float', v: 0 }]),
      key([{ t: 'float', v: -0 }]),
      key([{ t: 'bool', v: true }]),
      key([{ t: 'none' }]),
    ];
    assert.equal(new Set(keys).size, keys.length);
    // Not plain data: no key (configured afresh).
    assert.equal(key([{ t: 'unknown', why: 'x' }]), null);
    assert.equal(key([int(8)], [['activation', { t: 'module', path: 'keras.activations.relu' }]]), null);
  });
});

describe('the gridding chain', () => {
  /** Plain reference: every conv after the first whose rates so far share a factor > 1 is warned, listing them. */
  function expectedWarnings(rates: number[]): string[] {
    const out: string[] = [];
    let g = 0;
    const gcd = (p: number, q: number): number => (q === 0 ? p : gcd(q, p % q));
    rates.forEach((r, i) => {
      g = gcd(g, r);
      if (i >= 1 && g > 1) out.push(rates.slice(0, i + 1).join(', '));
    });
    return out;
  }

  it('stacks of random rates warn as the reference does, coprime chains included', () => {
    const next = lcg(7);
    for (let n = 0; n < 40; n++) {
      const rates = Array.from({ length: 1 + Math.floor(next() * 6) }, () => [1, 2, 3, 4, 6][Math.floor(next() * 5)]);
      const text = `import keras\nfrom keras import layers\nx = inp = keras.Input((96, 96, 4))\n${rates.map((r) => `x = layers.Conv2D(4, 3, dilation_rate=${r}, padding="same")(x)`).join('\n')}\nm = keras.Model(inp, x)\n`;
      const got = analyze(text).diagnostics.filter((d) => d.code === 'gridding').map((d) => d.message.match(/rates \(([\d, ]+)\)/)![1]);
      assert.deepEqual(got, expectedWarnings(rates), `rates ${rates.join(', ')}`);
    }
  });
});
