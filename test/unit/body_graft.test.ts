/**
 * The incremental trace's cut-off inside function bodies (extension/engine/trace/body_graft.ts): a
 * model built in a function (`model = build_model()`) and typed in takes the last trace's
 * statements of the body over, before the edit and after it, instead of running the whole body
 * again. Every keystroke is compared with a fresh analysis that reuses nothing (the whole object
 * graph, tensor names included, JSON, summary and hovers). The counts follow from how each file
 * is written: which statements of the body must run again after the edit.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setCheckpointAudit } from '../../extension/engine/trace/checkpoint';
import { LIMITS, typeAt, visitRandomly } from '../support/typing';

setCheckpointAudit(true);

const PRELUDE = 'import keras\nfrom keras import layers\n\n';

/** A builder of `convs` named 3x3 convolutions of 8 filters (`width` for the first) in a row, called once. */
function builder(convs: number, call = 'model = build()\n'): string {
  // The first reads the builder's argument.
  const lines = Array.from({ length: convs }, (_, i) => `    x = layers.Conv2D(${i ? 8 : 'width'}, 3, padding="same", name="conv_${i}")(x)\n`).join('');
  return `${PRELUDE}def build(width=8):\n    inputs = keras.Input(shape=(16, 16, 8))\n    x = inputs\n${lines}    model = keras.Model(inputs, x)\n    return model\n\n${call}`;
}

const takenInBodies = (text: string, anchors: string[]) => typeAt(text, anchors, LIMITS, 'graftedInBodies');

const CONV_BN_RELU = `def conv_bn_relu(x, filters):
    x = layers.Conv2D(filters, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)
`;

describe('incremental trace: statements of function bodies taken over from the last trace', () => {
  it('a builder typed in: every other statement of its body that makes a layer on a known tensor is taken over', () => {
    // A name typed in (conv_51): the statement runs, its output is the same; the model and the
    // return run too. The Input (its sizes all given), the alias `x = inputs` and the 19 other
    // convolutions are taken over, before the edit and after it, at each of the four keystrokes.
    assert.equal(takenInBodies(builder(20), ['name="conv_5']), 4 * 21);
    // The last one: every statement before it is taken over.
    assert.equal(takenInBodies(builder(20), ['name="conv_19']), 4 * 21);
    // A filter count typed in (81 filters in conv_1): it and the next convolution (its input another shape) run again.
    assert.equal(takenInBodies(builder(20), ['Conv2D(8']), 4 * 20);
  });

  it('a builder called with other arguments, or twice, or in a loop; a builder with an early return', () => {
    // The call's argument typed in (81 filters for conv_0): the body's entry differs, nothing of it is taken over.
    assert.equal(takenInBodies(builder(6, 'model = build(width=8)\n'), ['= build(width=8']), 0);
    // Called in an expression (never watched as a helper call statement is), edits outside the body
    // cut it off too. Its default typed in (81): the entry differs, nothing taken over.
    const unwatched = builder(6, 'build().summary()\n');
    assert.equal(takenInBodies(unwatched, ['def build(width=8']), 0);
    // A comment typed above it all: the Input, the alias and the six convolutions are taken over.
    assert.equal(takenInBodies(`# notes\n${unwatched}`, ['# notes']), 4 * 8);
    // So in `model = build()` (a helper call statement, watched until it is seen to make a model).
    assert.equal(takenInBodies(`# notes\n${builder(6)}`, ['# notes']), 4 * 8);
    // Called twice: the second call meets the body's names again (the names taken over are found by offset).
    assert.ok(takenInBodies(builder(6, 'model = build()\nagain = build()\n'), ['name="conv_2']) >= 4 * 6);
    // Called in a loop, a body is not run statement by statement: nothing taken over, the same analysis.
    assert.equal(takenInBodies(builder(6, 'models = [build() for _ in range(2)]\n'), ['name="conv_2']), 0);
    const early = builder(6).replace('    model = keras.Model(inputs, x)\n', '    if width == 8:\n        return keras.Model(inputs, x, name="early")\n    model = keras.Model(inputs, x)\n');
    // The `if` returns: it runs, and what follows it is never reached; the seven statements before it but conv_2 are taken over.
    assert.equal(takenInBodies(early, ['name="conv_2']), 4 * 7);
  });

  it('a builder of helper calls and loops: the calls and loops of the body are taken over too', () => {
    const text = `${PRELUDE}${CONV_BN_RELU}
def build(num_classes=10):
    inputs = keras.Input(shape=(32, 32, 3))
    x = conv_bn_relu(inputs, 8)
    x = conv_bn_relu(x, 8)
    for f in (16, 16):
        x = conv_bn_relu(x, f)
    x = layers.MaxPooling2D()(x)
    x = conv_bn_relu(x, 32)
    x = conv_bn_relu(x, 32)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes)(x)
    return keras.Model(inputs, outputs)

model = build()
`;
    // The file's first trace ran the body inside a watched statement (`model = build()` calls a
    // helper), where calls and loops are not watched: at the first keystroke in the body, the
    // Input is taken over, and the first call is compared with nothing: nothing more is.
    // In the pooling's arguments (MaxPooling2D(1)): before it the Input, the two calls and the loop
    // are taken over; it runs, and every statement after it reads a tensor of another size: four
    // per keystroke from the second on.
    assert.equal(takenInBodies(text, ['MaxPooling2D(']), 1 + 3 * 4);
    // Then in the third call's filters (321): before it the Input, the two calls, the loop and the
    // pooling are taken over; it and the fourth call (its input has other channels) run; the global
    // pooling and the Dense read tensors of the last trace's shapes: seven per keystroke.
    assert.equal(takenInBodies(text, ['MaxPooling2D(', 'conv_bn_relu(x, 32']) - (1 + 3 * 4), 4 * 7);
  });

  it('not taken over after a statement that is not plain: a `global`, a function defined in the body', () => {
    // The `global` comes first: nothing is taken over.
    const global = 'count = 0\ndef build():\n    global count\n    count = count + 1\n    inputs = keras.Input(shape=(8, 8, 3))\n    x = layers.Conv2D(4, 3, name=f"c{count}")(inputs)\n    x = layers.Conv2D(4, 3)(x)\n    return keras.Model(inputs, x)\n\nmodel = build()\n';
    assert.equal(takenInBodies(`${PRELUDE}${global}`, ['Conv2D(4', 'shape=(8']), 0);
    // Typed in the nested function: the Input before it is taken over at each keystroke, nothing
    // after it. Typed in the Input's shape: the Input runs, and nothing after the nested def is taken.
    const nested = 'def build():\n    inputs = keras.Input(shape=(8, 8, 3))\n    def block(x):\n        return layers.Conv2D(4, 3)(x)\n    x = block(inputs)\n    x = layers.Conv2D(4, 3)(x)\n    return keras.Model(inputs, x)\n\nmodel = build()\n';
    assert.equal(takenInBodies(`${PRELUDE}${nested}`, ['Conv2D(4', 'shape=(8']), 4);
  });

  it('random keystroke visits in Xception written as a builder (helper calls, loops and ifs in its body)', () => {
    const xception = readFileSync(path.join(process.cwd(), 'examples', 'xception.py'), 'utf8');
    const start = xception.indexOf('img_input = ');
    const body = xception.slice(start).split('\n').map((line) => (line ? `    ${line}` : line)).join('\n');
    const built = `${xception.slice(0, start)}def build():\n${body}    return model\n\n\nmodel = build()\n`;
    const visited = visitRandomly(built, 3, 'graftedInBodies');
    console.log(`Xception as a builder: ${visited.taken} statements of its body taken over in ${visited.keystrokes} keystrokes`);
    // Most visits are in the body: the statements before the edit and most after it are taken over.
    assert.ok(visited.taken > 300, `only ${visited.taken} statements of the body taken over`);
  });

  it('random keystroke visits in the U-Net example (a builder) and in a builder of helper calls', () => {
    const unet = readFileSync(path.join(process.cwd(), 'examples', 'unet.py'), 'utf8');
    const visited = visitRandomly(unet, 11, 'graftedInBodies');
    console.log(`U-Net: ${visited.taken} statements of bodies taken over in ${visited.keystrokes} keystrokes`);
    const chain = `${PRELUDE}${CONV_BN_RELU}\ndef build():\n    inputs = keras.Input(shape=(32, 32, 3))\n    x = inputs\n${Array.from({ length: 12 }, (_, i) => `    x = conv_bn_relu(x, ${8 * (1 + (i % 3))})\n    x = layers.Conv2D(8, 1)(x)\n`).join('')}    return keras.Model(inputs, x)\n\nmodel = build()\n`;
    const built = visitRandomly(chain, 5, 'graftedInBodies');
    console.log(`builder of helper calls: ${built.taken} statements of bodies taken over in ${built.keystrokes} keystrokes`);
    assert.ok(built.taken > 200, `only ${built.taken} statements of bodies taken over`);
  });
});
