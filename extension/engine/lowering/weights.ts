/** Weights from each layer's declared initializers, seeded so runs repeat. */
import { initialize } from '../../../kernels/initializers';
import type { WeightSpec } from '../../../kernels/types';
import type { LayerInstance } from '../graph';
import type { WeightSource } from './lower_model';

export class InitializerWeights implements WeightSource {
  private readonly cache = new Map<string, Float32Array[]>();

  constructor(private readonly seed = 0) {}

  weights(layer: LayerInstance, specs: WeightSpec[]): Float32Array[] {
    let w = this.cache.get(layer.name);
    if (!w) {
      w = specs.map((s) => initialize(s, this.seed, layer.name));
      this.cache.set(layer.name, w);
    }
    return w;
  }
}
