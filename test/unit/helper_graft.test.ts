/**
 * The incremental trace's cut-off taking helper calls over (extension/engine/trace/watched_statement.ts):
 * `x = block(x, 64)` after an edit does what it did at the last keystroke while its arguments are
 * the same, so the last trace's layers, calls and tensor names are taken over instead of running
 * the helper's body again. Every keystroke is compared with a fresh analysis that reuses nothing
 * (the whole object graph, the tensor names met in the helpers' bodies included, JSON, summary and
 * hovers). The counts of statements taken over follow from how each file is written (which calls
 * must run again after the edit); where a helper does something a take-over could not repeat
 * (reads a list, writes a global, calls a layer made outside), none of its calls is taken over.
 * Module-level `for` loops are watched and taken over the same way.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setCheckpointAudit } from '../../extension/engine/trace/checkpoint';
import { LIMITS, typeAt, visitRandomly } from '../support/typing';

setCheckpointAudit(true);

const PRELUDE = 'import keras\nfrom keras import layers\n';

const CONV_BN_RELU = `def conv_bn_relu(x, filters, kernel_size=3, strides=1):
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same")(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)
`;

/** `calls` helper calls in a row after the Input, then the model. */
function helperChain(calls: number, helper = CONV_BN_RELU, call = (i: number) => `conv_bn_relu(${i ? 'x' : 'inputs'}, 8)`): string {
  return `${PRELUDE}\n${helper}\ninputs = keras.Input(shape=(16, 16, 3))\n${Array.from({ length: calls }, (_, i) => `x = ${call(i)}\n`).join('')}model = keras.Model(inputs, x)\n`;
}

/** The helper calls taken over while typing at each anchor in turn (4 keystrokes each). */
const helpersTakenAt = (text: string, anchors: string[]) => typeAt(text, anchors, LIMITS, 'graftedHelpers');

describe('incremental trace: helper calls taken over from the last trace', () => {
  it('a chain of helper calls typed in at its first and second call', () => {
    // 81 filters in the first call: it and the second call (its input another shape) run again,
    // the other eight are taken over, at each of the four keystrokes.
    assert.equal(helpersTakenAt(helperChain(10), ['conv_bn_relu(inputs, 8']), 4 * 8);
    // In the second call: it and the third run again, seven taken over; at the first keystroke the
    // first call is taken over too (the trace resumes from the start, the edit's checkpoint is made then).
    assert.equal(helpersTakenAt(helperChain(10), ['conv_bn_relu(x, 8']), 1 + 4 * 7);
  });

  it('calls with other arguments (strides, keywords, defaults), a helper calling helpers, a loop in a body', () => {
    const helpers = `${CONV_BN_RELU}
def stage(x, filters, blocks=2):
    for i in range(blocks):
        x = conv_bn_relu(x, filters, strides=2 if i == 0 else 1)
    shortcut = layers.Conv2D(filters, 1, strides=2)(inputs) if filters == 8 else x
    return layers.add([x, shortcut]) if filters == 8 else x
`;
    const calls = ['stage(inputs, 8)', 'conv_bn_relu(x, 8, kernel_size=5)', 'stage(x, 16, blocks=3)', 'conv_bn_relu(x, filters=16)', 'stage(x, 16)', 'conv_bn_relu(x, 16)'];
    const text = helperChain(calls.length, helpers, (i) => calls[i]);
    // A keystroke in `kernel_size=5` (51): the call runs again, its output the same shape, and
    // the four calls after it are taken over (and the first call, at the first keystroke).
    assert.equal(helpersTakenAt(text, ['kernel_size=5']), 1 + 4 * 4);
    // `blocks=31` and `stage(inputs, 81` make another number of layers (the later calls' layers
    // would be named otherwise): nothing after them is taken over (only the two calls before
    // `blocks=3`, at the first keystroke). `filters=161`: the call after it runs again (its input
    // another shape), its output the same shape: the last call is taken (and the three before it,
    // at the first keystroke).
    assert.equal(helpersTakenAt(text, ['blocks=3']), 2);
    assert.equal(helpersTakenAt(text, ['stage(inputs, 8']), 0);
    assert.equal(helpersTakenAt(text, ['filters=16']), 3 + 4 * 1);
    // Typed between the two helpers' definitions: every call is taken over, the layers and names
    // made in \`stage\`'s body moved with the edit, those in \`conv_bn_relu\`'s where they were.
    const between = text.replace('\ndef stage', '\n# between\ndef stage');
    assert.equal(helpersTakenAt(between, ['# between', '# betw']), 2 * 4 * 6);
  });

  it('a helper reading a constant and a tensor of the module; a constant changed runs the calls again', () => {
    const helper = `${CONV_BN_RELU}
def with_input(x, filters):
    x = conv_bn_relu(x, WIDTH)
    return layers.Concatenate()([x, layers.Resizing(x.shape[1], x.shape[2])(inputs)])
`;
    const text = `WIDTH = 8\n${helperChain(6, helper, (i) => `with_input(${i ? 'x' : 'inputs'}, 8)`)}`;
    // The first call's `filters` (81) is not read by the helper: its output is the same, the five after it are taken over.
    assert.equal(helpersTakenAt(text, ['with_input(inputs, 8']), 4 * 5);
    // In a comment above everything: the constant runs again (the same value), every call is taken over.
    assert.equal(helpersTakenAt(`# notes\n${text}`, ['# notes']), 4 * 6);
    // The constant typed in (81): every call reads it, every call runs again.
    assert.equal(helpersTakenAt(text, ['WIDTH = 8']), 0);
    // The Input's shape typed in: the calls read it (through the helper), each runs again.
    assert.equal(helpersTakenAt(text, ['shape=(16']), 0);
  });

  it('helpers that do what a take-over could not repeat: a list appended to, a global written, a layer made outside, a mutable default', () => {
    const bodies = [
      'skips = []\ndef down(x, f):\n    skips.append(x)\n    return layers.Conv2D(f, 3, padding="same")(x)\n',
      'count = 0\ndef down(x, f):\n    global count\n    count = count + 1\n    return layers.Conv2D(f, 3, padding="same")(x)\n',
      'shared = layers.Conv2D(8, 3, padding="same")\ndef down(x, f):\n    return shared(layers.Conv2D(f, 3, padding="same")(x))\n',
      'def down(x, f, seen=[]):\n    seen.append(f)\n    return layers.Conv2D(f, 3, padding="same", name=f"c{len(seen)}")(x)\n',
    ];
    for (const body of bodies) {
      const text = helperChain(5, body, (i) => `down(${i ? 'x' : 'inputs'}, 8)`);
      assert.equal(helpersTakenAt(text, ['down(inputs, 8', 'down(x, 8']), 0, body);
    }
    // The same helper without the list: taken over.
    assert.ok(helpersTakenAt(helperChain(5, 'def down(x, f):\n    return layers.Conv2D(f, 3, padding="same")(x)\n', (i) => `down(${i ? 'x' : 'inputs'}, 8)`), ['down(inputs, 8']) > 0);
  });

  it('a helper redefined between its calls, an edit in a body, a helper returning its input, calls bound to other names', () => {
    const text = `${PRELUDE}${CONV_BN_RELU}inputs = keras.Input(shape=(16, 16, 3))\nx = conv_bn_relu(inputs, 8)\nx = conv_bn_relu(x, 8)\nskip = conv_bn_relu(x, 8)\ny = conv_bn_relu(skip, 8)\n`
      + 'def conv_bn_relu(x, filters, kernel_size=3, strides=1):\n    return x if filters == 8 else layers.Conv2D(filters, kernel_size)(x)\n'
      + 'x = conv_bn_relu(x, 8)\ny = conv_bn_relu(y, 4)\nz = layers.Add()([x, skip])\nmodel = keras.Model(inputs, [y, z])\n';
    const grafted = typeAt(text, ['conv_bn_relu(inputs, 8', 'filters, kernel_size)(x', 'BatchNormalization(', 'skip = conv_bn_relu(x, 8']);
    assert.ok(grafted >= 8, `only ${grafted} statements taken over`);
  });

  it('a helper that builds a model with its defaults: its calls taken over, it is not run as an uncalled builder', () => {
    const helper = `def block(x=None, filters=8):
    if x is None:
        inputs = keras.Input(shape=(16, 16, 3))
        return keras.Model(inputs, block(inputs, filters))
    return layers.Conv2D(filters, 3, padding="same")(x)
`;
    // The file calls it, so no model is made from its defaults (uncalled_builders.ts), taken over or
    // not: in a comment above everything, its definition runs again and every call is taken over.
    const text = helperChain(5, helper, (i) => `block(${i ? 'x' : 'inputs'}, 8)`);
    assert.equal(helpersTakenAt(text, ['block(inputs, 8']), 4 * 3);
    assert.equal(helpersTakenAt(`# notes\n${text}`, ['# notes']), 4 * 5);
  });

  it('random edits in helper-built code with loops', () => {
    const helpers = `${CONV_BN_RELU}
def down(x, filters):
    x = conv_bn_relu(x, filters)
    return layers.MaxPooling2D()(x), x

def up(x, skip, filters):
    x = layers.UpSampling2D()(x)
    x = layers.Concatenate()([x, skip])
    return conv_bn_relu(x, filters)
`;
    const body = 'inputs = keras.Input(shape=(32, 32, 3))\nx = conv_bn_relu(inputs, 8)\nx = conv_bn_relu(x, 8)\nx, s1 = down(x, 8)\nx = conv_bn_relu(x, 16)\nx = conv_bn_relu(x, 16)\nx, s2 = down(x, 16)\nfor f in [32, 32]:\n    x = conv_bn_relu(x, f)\nx = up(x, s2, 16)\nx = conv_bn_relu(x, 16)\nx = up(x, s1, 8)\nx = conv_bn_relu(x, 8)\nfor i in range(2):\n    x = layers.Conv2D(8, 3, padding="same")(x)\nx = conv_bn_relu(x, 8)\nmodel = keras.Model(inputs, x)\n';
    const { taken: helpersTaken, keystrokes: version } = visitRandomly(`${PRELUDE}${helpers}${body}`, 2024, 'graftedHelpers');
    console.log(`random visits: ${helpersTaken} helper calls and loops taken over in ${version} keystrokes`);
    // Most visits are in the calls or their arguments: the calls after them are taken over.
    assert.ok(helpersTaken > 100, `only ${helpersTaken} helper calls taken over`);
  });
});

describe('incremental trace: module-level loops taken over from the last trace', () => {
  const xception = readFileSync(path.join(process.cwd(), 'examples', 'xception.py'), 'utf8');

  it('Xception typed in a comment above it: its two loops and the helper calls after them are taken over', () => {
    // After the Input (run again and compared): the stem's layer statements, the loop over the
    // entry blocks, the loop over the middle blocks, then five helper calls among layer statements.
    assert.equal(helpersTakenAt(`# notes\n${xception}`, ['# notes']), 4 * (2 + 5));
  });

  it('random keystroke visits in Xception (helpers, loops)', () => {
    const { taken: helpersTaken, keystrokes } = visitRandomly(xception, 7, 'graftedHelpers');
    console.log(`Xception random visits: ${helpersTaken} helper calls and loops taken over in ${keystrokes} keystrokes`);
    assert.ok(helpersTaken > 0);
  });

  it('a loop after an edit that keeps the shapes is taken over; one appending to a list is not', () => {
    const text = `${PRELUDE}${CONV_BN_RELU}x = inputs = keras.Input(shape=(16, 16, 3))
for f in [8, 16]:
    x = layers.Conv2D(f, 3, padding="same")(x)
    x = layers.ReLU()(x)
x = layers.Conv2D(8, 1, padding="same")(x)
for i in range(3):
    x = conv_bn_relu(x, 8, strides=1 if i else 2)
skips = []
for i in range(2):
    skips.append(x)
    x = layers.MaxPooling2D()(x)
x = layers.Concatenate()([layers.UpSampling2D(4)(x), skips[0]])
model = keras.Model(inputs, x)
`;
    // The kernel typed 11 (padding "same"): the loop after it is taken over; the list's loop runs
    // again. At the first keystroke the loop before the edit is taken over too.
    assert.equal(helpersTakenAt(text, ['Conv2D(8, 1']), 1 + 4 * 1);
    // The first loop's list typed in ([81, 16]): it runs again, its output the same shape, the next loop taken over.
    assert.equal(helpersTakenAt(text, ['[8']), 4 * 1);
    // A comment above: both loops before the list taken over, and the list's loop never.
    assert.equal(helpersTakenAt(`# notes\n${text}`, ['# notes']), 4 * 2);
    // The loop's count typed in (range(31)): another number of layers, nothing after it taken.
    assert.equal(helpersTakenAt(text, ['range(3']), 1);
  });
});

describe('incremental trace: module-level if and while taken over from the last trace', () => {
  it('an if and a while after an edit that keeps the shapes are taken over; an unknown condition never', () => {
    const text = `${PRELUDE}${CONV_BN_RELU}DEPTH = 2
USE_DROPOUT = True
x = inputs = keras.Input(shape=(16, 16, 3))
x = layers.Conv2D(8, 1, padding="same")(x)
if USE_DROPOUT:
    x = layers.Dropout(0.5)(x)
else:
    x = layers.BatchNormalization()(x)
n = 0
while n < DEPTH:
    x = conv_bn_relu(x, 8)
    n = n + 1
if x.shape[1] > 4:
    x = layers.MaxPooling2D()(x)
if unknown_flag:
    x = layers.ReLU()(x)
model = keras.Model(inputs, x)
`;
    // The kernel typed 11 (padding "same"): the if, the while (\`n = 0\` is a constant statement)
    // and the if reading the shape are taken over; the unknown condition reports an info: it runs
    // again. At the first keystroke nothing before the edit is an if or a loop.
    assert.equal(helpersTakenAt(text, ['Conv2D(8, 1']), 4 * 3);
    // A constant given another value (\`DEPTH = 21\`) stops the take-over: nothing after it is taken.
    assert.equal(helpersTakenAt(text, ['DEPTH = 2']), 0);
    // A comment above: the if, the while and the shape's if taken over, the unknown condition's run again.
    assert.equal(helpersTakenAt(`# notes\n${text}`, ['# notes']), 4 * 3);
  });
});
