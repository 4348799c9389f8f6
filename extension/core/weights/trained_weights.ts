/** Trained weights from a Keras file, matched to the traced layers by name, then by order. */
import type { WeightSpec } from '../../../kernels/types';
import type { LayerInstance } from '../graph';
import type { WeightSource } from '../onnx/lower_model';
import type { StoredLayer, WeightFile } from './h5_reader';

function shapeText(shape: number[]): string {
  return `(${shape.join(', ')})`;
}

export class TrainedWeights implements WeightSource {
  private readonly byName = new Map<string, StoredLayer>();
  private readonly used = new Set<StoredLayer>();

  /** `weighted`: the model's layers that have weights, in Keras order (for order matching). */
  constructor(private readonly file: WeightFile, private readonly weighted: LayerInstance[]) {
    for (const l of file.layers) if (!this.byName.has(l.name)) this.byName.set(l.name, l);
  }

  private find(layer: LayerInstance): StoredLayer {
    const named = this.byName.get(layer.name);
    if (named) return named;
    // Auto-generated names differ between sessions (conv2d vs conv2d_3): fall back to order when the
    // file holds exactly one entry per weighted layer.
    if (this.file.layers.length === this.weighted.length) {
      const i = this.weighted.indexOf(layer);
      if (i >= 0) return this.file.layers[i];
    }
    throw new Error(
      `the weights file has no weights for layer "${layer.name}" (it holds ${this.file.layers.length} layers: ${this.file.layers.slice(0, 6).map((l) => l.name).join(', ')}${this.file.layers.length > 6 ? ', ...' : ''}; the model has ${this.weighted.length} layers with weights)`,
    );
  }

  weights(layer: LayerInstance, specs: WeightSpec[]): Float32Array[] {
    if (specs.length === 0) return [];
    const stored = this.find(layer);
    if (stored.arrays.length !== specs.length) {
      throw new Error(`layer "${layer.name}" expects ${specs.length} weights (${specs.map((s) => s.name).join(', ')}), the file has ${stored.arrays.length} at ${stored.path}`);
    }
    this.used.add(stored);
    return specs.map((spec, i) => {
      const a = stored.arrays[i];
      const same = a.shape.length === spec.shape.length && a.shape.every((d, k) => d === spec.shape[k]);
      if (!same) throw new Error(`layer "${layer.name}" weight ${spec.name} should have shape ${shapeText(spec.shape)}, the file has ${shapeText(a.shape)} at ${stored.path}/${a.name}`);
      return a.data;
    });
  }
}
