/** Test helpers: analyse Python snippets and look up layers by name. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyze, Analysis, LayerReport, ModelReport } from '../../extension/engine/analysis/analyze';
import { LineIndex } from '../../extension/engine/source';

export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The repository's example models the tests read: a fixed list, so a file a user saves in
 * examples/ (the editor opens it as its workspace) never becomes part of the test suite.
 */
export const EXAMPLE_FILES = ['deeplab_aspp.py', 'mobilenet_v1.py', 'subclassed_resnet.py', 'unet.py', 'vgg16.py', 'xception.py'] as const;

export function example(name: string): string {
  return readFileSync(path.join(ROOT, 'examples', name), 'utf8');
}

export function only<T>(xs: T[], what = 'item'): T {
  if (xs.length !== 1) throw new Error(`expected exactly one ${what}, got ${xs.length}`);
  return xs[0];
}

export function layer(model: ModelReport, name: string): LayerReport {
  const found = model.layers.find((l) => l.layer.name === name);
  if (!found) throw new Error(`no layer ${name}; have ${model.layers.map((l) => l.layer.name).join(', ')}`);
  return found;
}

export function model(analysis: Analysis, name?: string): ModelReport {
  if (!name) return only(analysis.models, 'model');
  const found = analysis.models.find((m) => m.graph.name === name);
  if (!found) throw new Error(`no model ${name}`);
  return found;
}

/**
 * One layer applied to a keras.Input of `batchShape`: returns the layer's report and diagnostics.
 * `ctor` is the Python constructor call, e.g. `layers.Conv2D(5, 2, padding="same")`.
 */
export function single(ctor: string, batchShape: (number | null)[]) {
  const shape = `(${batchShape.map((d) => (d === null ? 'None' : d)).join(', ')}${batchShape.length === 1 ? ',' : ''})`;
  const text = `import keras\nfrom keras import layers\nx = keras.Input(batch_shape=${shape})\ny = ${ctor}(x)\nm = keras.Model(x, y)\n`;
  const analysis = analyze(text);
  const m = analysis.models[0];
  const report = m?.layers[1];
  return { analysis, report, shape: report?.outputShape ?? null, params: report?.params ?? null, errors: analysis.diagnostics.filter((d) => d.severity === 'error') };
}

export function lineOf(text: string, offset: number): number {
  return new LineIndex(text).position(offset).line;
}

export function paramsOf(l: LayerReport): number | null {
  return l.params ? l.params.trainable + l.params.nonTrainable : null;
}
