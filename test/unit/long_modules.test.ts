/**
 * Long modules parse as Python reads them. @lezer/lr's guard against over-deep trees used to force
 * the parser out of a long statement list with blank or comment lines (every ~3,000 characters),
 * dropping statements from valid code without a word; extension/engine/parse.ts gives the guard
 * the node types it needs. Truths: Python's grammar (these files have no syntax error) and counting
 * the statements written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { IncrementalParser, parsePython } from '../../extension/engine/parse';

function errorNodes(text: string): number {
  let n = 0;
  parsePython(text).iterate({ enter: (node) => void (node.type.isError && n++) });
  return n;
}

/** `blocks` x (comment, Conv2D, BatchNormalization, ReLU, blank line): 3 layers per block. */
function longChain(blocks: number): string {
  const lines = ['import keras', 'from keras import layers', '', 'x = inputs = keras.Input(shape=(32, 32, 8))', ''];
  for (let i = 0; i < blocks; i++) {
    lines.push(`# block ${i}`, `x = layers.Conv2D(8, 3, padding="same", name="conv_${i}")(x)`, `x = layers.BatchNormalization(name="bn_${i}")(x)`, `x = layers.ReLU(name="relu_${i}")(x)`, '');
  }
  lines.push('model = keras.Model(inputs, x, name="chain")', '');
  return lines.join('\n');
}

describe('long modules', () => {
  it('a statement list with blank and comment lines has no error node at any length', () => {
    for (const unit of ['x = 1\n\n', 'x = 1\n# note\n', 'x = 1\n   \n', 'x = 1\n'.repeat(9) + '# note\n']) {
      assert.equal(errorNodes(unit.repeat(3000)), 0, JSON.stringify(unit));
    }
  });

  it('a real syntax error in a long module is still one', () => {
    assert.ok(errorNodes('x = 1\n\n'.repeat(2000) + 'x = (\ny = 2\n') > 0);
  });

  it('every layer of an 800-block chain (125,000 characters) is in the model, also after an edit', () => {
    const text = longChain(800);
    assert.ok(text.length > 120_000);
    const model = analyze(text).models.find((m) => m.graph.name === 'chain')!;
    // 3 layers per block and the Input: 2,401 layers, the last named as written.
    assert.equal(model.layers.length, 2401);
    assert.equal(model.layers[model.layers.length - 1].layer.name, 'relu_799');
    const parser = new IncrementalParser();
    parser.parse(text);
    const at = text.indexOf('name="conv_700"');
    const edited = text.slice(0, at) + 'name="conv_7000"' + text.slice(at + 'name="conv_700"'.length);
    const tree = parser.parse(edited, [{ from: at, to: at + 'name="conv_700"'.length, insert: 'name="conv_7000"' }]);
    let errors = 0;
    tree.iterate({ enter: (node) => void (node.type.isError && errors++) });
    assert.equal(errors, 0);
    assert.equal(tree.toString(), parsePython(edited).toString());
  });
});
